// ipywidgets' standard controls from the kernel, through kernel-ext's real comm manager with a recording transport:
// the models JupyterLab's own widget manager knows (names, modules, versions, references), user updates, Button
// clicks, and interact() re-running its function and showing the result in an Output.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { comms } from "../../kernel-ext/comms";
import { DISPLAY_SYMBOL } from "../../src/display";
import * as widgets from "../../widgets/src";

type Sent = { msgType: string; content: Record<string, unknown> };
const sent: Sent[] = [];

before(() => {
  comms.attach({
    publish: (msgType, content) => void sent.push({ msgType, content }),
    reportError: (error) => {
      throw error;
    },
    currentCell: () => undefined,
  });
});
after(() => comms.attach(undefined));

function stateOf(modelId: string): Record<string, unknown> {
  const open = sent.find((m) => m.msgType === "comm_open" && m.content.comm_id === modelId);
  assert.ok(open, `no comm_open for ${modelId}`);
  return (open.content.data as { state: Record<string, unknown> }).state;
}

const fromBrowser = (modelId: string, data: Record<string, unknown>) =>
  comms.get(modelId)?.deliver({ data, metadata: {}, buffers: [] });

test("an IntSlider opens its layout and style models first, then itself, as @jupyter-widgets/controls 2.0.0", async () => {
  const slider = new widgets.IntSlider({ min: 0, max: 63, value: 5, description: "channel" });
  const before = sent.length;
  const bundle = await slider[DISPLAY_SYMBOL]();
  assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
    model_id: slider.modelId,
    version_major: 2,
    version_minor: 0,
  });
  assert.match(bundle["text/plain"], /^IntSlider\(.*value=5.*min=0, max=63/);
  const opens = sent.slice(before).filter((m) => m.msgType === "comm_open");
  assert.deepEqual(
    opens.map((m) => (m.content.data as { state: { _model_name: string } }).state._model_name),
    ["LayoutModel", "SliderStyleModel", "IntSliderModel"],
  );
  const state = stateOf(slider.modelId);
  assert.equal(state._model_module, "@jupyter-widgets/controls");
  assert.equal(state._model_module_version, "2.0.0");
  assert.equal(state._view_name, "IntSliderView");
  const [layout, style] = opens.map((m) => m.content.comm_id as string);
  assert.equal(state.layout, `IPY_MODEL_${layout}`);
  assert.equal(state.style, `IPY_MODEL_${style}`);
  assert.deepEqual(
    [stateOf(layout)._model_module, stateOf(layout)._model_module_version],
    ["@jupyter-widgets/base", "2.0.0"],
  );
  assert.deepEqual(
    [stateOf(style)._view_name, stateOf(style)._view_module],
    ["StyleView", "@jupyter-widgets/base"],
  );
  assert.deepEqual([state.min, state.max, state.value, state.step], [0, 63, 5, 1]);
});

test("a browser update changes the value and calls observers; a kernel-side change is sent as update", async () => {
  const slider = new widgets.FloatSlider({ min: 0, max: 1, value: 0.5 });
  await slider[DISPLAY_SYMBOL]();
  const changes: unknown[] = [];
  slider.observe((change) => changes.push([change.name, change.old, change.new]), "value");
  fromBrowser(slider.modelId, { method: "update", state: { value: 0.25 } });
  assert.equal(slider.value, 0.25);
  slider.value = 0.75;
  assert.deepEqual(changes, [
    ["value", 0.5, 0.25],
    ["value", 0.25, 0.75],
  ]);
  const update = sent.at(-1);
  assert.equal(update?.msgType, "comm_msg");
  assert.deepEqual((update?.content.data as { state: unknown }).state, { value: 0.75 });
});

test("Dropdown, Checkbox, Text, Button, HBox/VBox and Output carry ipywidgets' model names and state", async () => {
  const dropdown = new widgets.Dropdown({ options: ["conv1", "conv2"], value: "conv2" });
  const checkbox = new widgets.Checkbox({ value: true });
  const text = new widgets.Text({ value: "hi" });
  const button = new widgets.Button({ description: "go" });
  const output = new widgets.Output();
  const box = new widgets.VBox([new widgets.HBox([dropdown, checkbox]), text, button, output]);
  await box[DISPLAY_SYMBOL]();
  assert.deepEqual(stateOf(dropdown.modelId)._options_labels, ["conv1", "conv2"]);
  assert.equal(stateOf(dropdown.modelId).index, 1);
  assert.equal(dropdown.value, "conv2");
  fromBrowser(dropdown.modelId, { method: "update", state: { index: 0 } });
  assert.equal(dropdown.value, "conv1");
  assert.equal(stateOf(checkbox.modelId)._model_name, "CheckboxModel");
  assert.equal(stateOf(text.modelId).value, "hi");
  assert.deepEqual(
    [stateOf(output.modelId)._model_module, stateOf(output.modelId)._model_module_version],
    ["@jupyter-widgets/output", "1.0.0"],
  );
  assert.equal((stateOf(box.modelId).children as string[]).length, 4);
  assert.match((stateOf(box.modelId).children as string[])[0], /^IPY_MODEL_/);
  let clicks = 0;
  button.onClick(() => clicks++);
  fromBrowser(button.modelId, { method: "custom", content: { event: "click" } });
  assert.equal(clicks, 1);
  await output.show({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "shown" }) });
  assert.deepEqual(output.outputs, [
    { output_type: "display_data", data: { "text/plain": "shown" }, metadata: {} },
  ]);
  assert.throws(() => new widgets.Dropdown({ options: ["a"], value: "b" }), /not one of its options/);
  assert.throws(() => new widgets.IntSlider({ min: 5, max: 1 }), /min <= max/);
});

test("interact picks a control per abbreviation and shows fn's result again after each change", async () => {
  const calls: unknown[] = [];
  const ui = widgets.interact(
    ({ layer, channel, scale, relu }) => {
      calls.push([layer, channel, scale, relu]);
      return `${layer}/${channel}`;
    },
    { layer: ["conv1", "conv2"], channel: [0, 63], scale: [0, 1, 0.1], relu: true },
  );
  const bundle = await ui[DISPLAY_SYMBOL]();
  assert.equal(bundle["text/plain"], "'conv1/32'");
  assert.ok(bundle["application/vnd.jupyter.widget-view+json"]);
  const c = ui.controls;
  assert.deepEqual(
    [c.layer, c.channel, c.scale, c.relu].map((w) => w.modelName),
    ["DropdownModel", "IntSliderModel", "FloatSliderModel", "CheckboxModel"],
  );
  fromBrowser(c.channel.modelId, { method: "update", state: { value: 7 } });
  await ui.settled();
  assert.deepEqual(ui.output.outputs, [
    { output_type: "display_data", data: { "text/plain": "'conv1/7'" }, metadata: {} },
  ]);
  const last = sent.filter((m) => m.msgType === "comm_msg" && m.content.comm_id === ui.output.modelId).at(-1);
  assert.deepEqual((last?.content.data as { state: { outputs: unknown } }).state.outputs, ui.output.outputs);
  assert.deepEqual(calls.at(-1), ["conv1", 7, 0.5, true]);
  const failing = widgets.interact(
    ({ n }) => {
      if (n > 1) throw new RangeError("too big");
      return n;
    },
    { n: 1 },
  );
  failing.controls.n.value = 3;
  await failing.settled();
  assert.equal((failing.output.outputs[0] as { ename: string }).ename, "RangeError");
  assert.throws(() => widgets.interact(() => 0, { bad: {} as never }), /cannot make a control for "bad"/);
});
