// Answers every shell/control request except execute_request (queued by the kernel). Completion, inspection,
// is_complete and the language info are tslab's own (its JupyterHandlerImpl, reused as is).
import type { JupyterHandlerImpl as TslabHandler } from "tslab/dist/jupyter";
import { comms, type CommMessage } from "./comms";
import type { ImmediateSender } from "./connection";
import type { CellRunner } from "./execution";
import type { Kernel } from "./kernel";
import { PACKAGE_VERSION as VERSION } from "./paths";
import type { JsonObject, Message } from "./wire";

const { JupyterHandlerImpl } = require("tslab/dist/jupyter") as typeof import("tslab/dist/jupyter");

export class ShellHandlers {
  private readonly tslab: TslabHandler;

  constructor(
    private readonly kernel: Kernel,
    private readonly runner: CellRunner,
  ) {
    this.tslab = new JupyterHandlerImpl(runner.executor, false);
  }

  async handle(request: Message, sender: ImmediateSender): Promise<void> {
    const type = request.header.msg_type;
    const content = request.content as never;
    const answer = (msgType: string, body: JsonObject) => this.kernel.reply(request, sender, msgType, body);
    switch (type) {
      case "kernel_info_request":
        return answer("kernel_info_reply", this.kernelInfo());
      case "complete_request":
        return answer("complete_reply", { ...this.tslab.handleComplete(content) });
      case "inspect_request":
        return answer("inspect_reply", { ...this.tslab.handleInspect(content) });
      case "is_complete_request":
        return answer("is_complete_reply", { ...this.tslab.handleIsComplete(content) });
      case "history_request":
        return answer("history_reply", { status: "ok", history: [] });
      case "comm_info_request": {
        const target = (request.content as { target_name?: string }).target_name;
        return answer("comm_info_reply", { status: "ok", comms: comms.list(target) });
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        return this.handleComm(request);
      case "interrupt_request":
        this.kernel.interrupt();
        return answer("interrupt_reply", { status: "ok" });
      case "shutdown_request": {
        const restart = (request.content as { restart?: boolean }).restart === true;
        await answer("shutdown_reply", { status: "ok", restart });
        setTimeout(() => void this.kernel.close().then(() => process.exit(0)), 50);
        return;
      }
      default:
        this.kernel.log(`ignored a message of unknown type ${type}`);
    }
  }

  private kernelInfo(): JsonObject {
    const tslabInfo = this.tslab.handleKernel();
    return {
      status: "ok",
      protocol_version: "5.3",
      implementation: "tensorscope",
      implementation_version: VERSION,
      language_info: { ...tslabInfo.language_info, version: this.runner.typescriptVersion },
      banner: `TypeScript (tensorscope ${VERSION}, on tslab and TypeScript ${this.runner.typescriptVersion})`,
      help_links: [],
    };
  }

  /** Comms carry no reply; an unknown target is answered with comm_close, as ipykernel does. */
  private handleComm(request: Message): void {
    const content = request.content as { comm_id?: string; target_name?: string; data?: JsonObject };
    const message: CommMessage = {
      data: content.data ?? {},
      metadata: request.metadata,
      buffers: request.buffers,
    };
    const commId = String(content.comm_id ?? "");
    if (request.header.msg_type === "comm_open") {
      if (!comms.acceptOpen(commId, String(content.target_name ?? ""), message)) {
        this.kernel.publish("comm_close", { comm_id: commId, data: {} });
      }
      return;
    }
    const comm = comms.get(commId);
    if (!comm) {
      this.kernel.log(`${request.header.msg_type} for unknown comm ${commId}`);
      return;
    }
    if (request.header.msg_type === "comm_msg") comm.deliver(message);
    else comm.deliverClose(message);
  }
}
