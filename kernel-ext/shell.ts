// Answers every shell/control request except execute_request (queued by the kernel). Completion, inspection
// and is_complete are tslab's converter's, computed in the TypeScript worker (typecheck.ts).
import { comms, type CommMessage } from "./comms";
import type { OrderedSender } from "./connection";
import type { CellRunner } from "./execution";
import { answerHistory, type History } from "./history";
import type { Kernel } from "./kernel";
import { PACKAGE_VERSION as VERSION } from "./paths";
import type { JsonObject, Message } from "./wire";

type CodeRequest = { code?: unknown; cursor_pos?: unknown };

export class ShellHandlers {
  constructor(
    private readonly kernel: Kernel,
    private readonly runner: CellRunner,
    private readonly history: History,
  ) {}

  async handle(request: Message, sender: OrderedSender): Promise<void> {
    const type = request.header.msg_type;
    const { code, cursor_pos } = request.content as CodeRequest;
    const [source, cursor] = [String(code ?? ""), Number(cursor_pos ?? String(code ?? "").length)];
    const answer = (msgType: string, body: JsonObject) => this.kernel.reply(request, sender, msgType, body);
    switch (type) {
      case "kernel_info_request":
        return answer("kernel_info_reply", this.kernelInfo());
      case "complete_request": {
        const info = await this.runner.complete(source, cursor);
        return answer("complete_reply", {
          status: "ok",
          cursor_start: info.start,
          cursor_end: info.end,
          matches: info.candidates,
          metadata: {},
        });
      }
      case "inspect_request": {
        const text = await this.runner.inspect(source, cursor);
        const data = text ? { "text/plain": text } : {};
        return answer("inspect_reply", { status: "ok", found: text !== null, data, metadata: {} });
      }
      case "is_complete_request": {
        const { completed, indent } = await this.runner.isComplete(source);
        return answer(
          "is_complete_reply",
          completed ? { status: "complete" } : { status: "incomplete", indent },
        );
      }
      case "history_request":
        return answer("history_reply", answerHistory(this.history, request.content as JsonObject));
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
    return {
      status: "ok",
      protocol_version: "5.3",
      implementation: "tensorscope",
      implementation_version: VERSION,
      language_info: {
        name: "typescript",
        version: this.runner.typescriptVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        // The combination tslab found to highlight TypeScript in both JupyterLab and the classic notebook.
        codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      },
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
