// The JupyterLab plugin: registers tensorscope's widget models and views with the widget manager
// (@jupyter-widgets/jupyterlab-manager), which then creates them when the kernel opens a comm naming them.
import { IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import { MODULE_NAME, MODULE_VERSION } from "../../src/shared/protocol";
import * as histogram from "./histogram";
import * as kernelGrid from "./kernel-grid";
import * as featureMaps from "./feature-maps";
import * as camView from "./cam-view";
import * as monitor from "./training-monitor";
import * as summaryView from "./summary-view";

const plugin = {
  id: `${MODULE_NAME}:plugin`,
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app: unknown, registry: IJupyterWidgetRegistry): void => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: { ...histogram, ...kernelGrid, ...featureMaps, ...camView, ...monitor, ...summaryView },
    });
  },
};

export default plugin;
