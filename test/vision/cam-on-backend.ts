// Prints GradCAM and LayerCAM raw maps of the residual test model as JSON, on the backend chosen by
// TENSORSCOPE_BACKEND (run by cam-backends.test.ts in a child process).
import { tf, ready, GradCAM, LayerCAM } from "../../src/index";
import { residualModel, seededInput } from "./graph-models";

void (async () => {
  await ready();
  const model = residualModel();
  const x = seededInput(2);
  const maps = [GradCAM, LayerCAM].map((Method) => {
    const result = new Method(model, { targetLayer: "conv_a" }).compute(x, { targets: [0, 2] });
    const raw = Array.from(result.raw.dataSync());
    result.dispose();
    return raw;
  });
  console.log(JSON.stringify({ backend: tf.getBackend(), maps }));
})();
