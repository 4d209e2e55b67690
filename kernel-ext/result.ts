// The MIME bundle of a value shown as a result (a cell's last value, an interact() output): its own bundle, a
// tensor preview, or Node's util.inspect text, as IPython shows a value's repr.
import { inspect } from "node:util";
import { isDisplayable, toMimeBundle, type MimeBundle } from "../src/display";
import { isTensorLike, tensorPreview } from "./tensor-preview";

export async function resultBundle(value: unknown): Promise<MimeBundle> {
  if (isDisplayable(value)) return toMimeBundle(value);
  if (isTensorLike(value)) return tensorPreview(value);
  return { "text/plain": inspect(value) };
}
