// Interrupting `model.fit` / `fitDataset`: stopping the cell's await is not enough, training would go on in the
// background. Every copy of tfjs-layers the notebook has loaded gets a callback (through tfjs's own
// registerCallbackConstructor, so it joins every fit) that sets `model.stopTraining` after an interrupt.
type LayersModule = {
  Callback: new () => { model?: { stopTraining: boolean } };
  registerCallbackConstructor(level: number, ctor: unknown): void;
};

const STATE = Symbol.for("tensorscope.kernel.fitInterrupt");
const LAYERS_ENTRY = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]dist[\\/]tf-layers\.node\.js$/;
type State = { generation: number; hooked: Set<string> };
const state = ((globalThis as unknown as Record<symbol, State>)[STATE] ??= {
  generation: 0,
  hooked: new Set(),
});

/** Asks every fit that started before now to stop after its current batch. */
export function interruptTraining(): void {
  state.generation++;
}

function hook(layers: LayersModule): void {
  class StopOnInterrupt extends layers.Callback {
    private startedIn = state.generation;
    async onTrainBegin(): Promise<void> {
      this.startedIn = state.generation;
    }
    async onBatchEnd(): Promise<void> {
      if (state.generation !== this.startedIn && this.model) this.model.stopTraining = true;
    }
    async onEpochEnd(): Promise<void> {
      await this.onBatchEnd();
    }
  }
  layers.registerCallbackConstructor(0, StopOnInterrupt);
}

/** Hooks the copies of tfjs-layers loaded since the last call (cheap: a scan of require's cache keys). */
export function watchTraining(): void {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (state.hooked.has(file) || !LAYERS_ENTRY.test(file) || !mod?.loaded) continue;
    state.hooked.add(file);
    hook(mod.exports as LayersModule);
  }
}
