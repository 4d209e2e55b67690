// tfjs fails a backward pass with "gradient function not found for <Kernel>". That names neither the node nor
// where it sits; this error does, so a user can pick a target layer after it or an output before it.
import type { InspectableModel } from "./types";

const MISSING = /gradient function not found for (\w+)/;

/** Kernel names tfjs gives the ops a converter writes. */
const KERNEL_OF: Record<string, string> = {
  _FusedConv2D: "FusedConv2D",
  FusedDepthwiseConv2dNative: "FusedDepthwiseConv2D",
  AddV2: "Add",
  BatchMatMul: "BatchMatMul",
  BatchMatMulV2: "BatchMatMul",
};

/** The error to throw for a failed backward pass: a missing gradient is explained, anything else kept. */
export function explainGradientFailure(model: InspectableModel, error: unknown, what: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const match = MISSING.exec(message);
  if (!match) return error;
  const kernel = match[1];
  const node = model.nodes().find((n) => n.kind === kernel || KERNEL_OF[n.kind] === kernel);
  const where = node ? `node "${node.name}", on the path ${model.describePath?.(node) ?? node.name}` : "";
  return new Error(
    `${what}: the gradient cannot pass through op "${kernel}"${where ? ` (${where})` : ""}: tfjs has no gradient ` +
      "for it. Explain a layer after it, or score an output or node before it ({ output })",
  );
}
