"""Reads a logdir with TensorBoard's own Python loader and prints what it found as JSON (used by
tensorboard-python.test.ts to check files written by tensorscope)."""
import json
import math
import sys

from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
from tensorboard.plugins.hparams import metadata as hp_metadata
from tensorboard.plugins.pr_curve import metadata as pr_metadata
from tensorboard.util import tensor_util
from google.protobuf import json_format


def num(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


def main(logdir):
    mux = pem.EventMultiplexer(size_guidance={"tensors": 0, "scalars": 0, "graph": 0})
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    out = {}
    for run, tags in mux.Runs().items():
        run_out = out.setdefault(run, {"tensors": {}, "graph_nodes": []})
        plugin_of = {}
        for plugin in ("scalars", "histograms", "images", "text", "hparams", "pr_curves"):
            for tag, content in mux.PluginRunToTagToContent(plugin).get(run, {}).items():
                plugin_of[tag] = plugin
                if plugin == "hparams":
                    if tag.endswith("session_start_info"):
                        info = hp_metadata.parse_session_start_info_plugin_data(content)
                        run_out["hparams"] = {k: json_format.MessageToDict(v) for k, v in info.hparams.items()}
                if plugin == "pr_curves":
                    thresholds = pr_metadata.parse_plugin_metadata(content).num_thresholds
                    run_out.setdefault("pr_thresholds", {})[tag] = thresholds
        for tag in tags.get("tensors", []):
            events = mux.Tensors(run, tag)
            values = []
            shapes = []
            for e in events:
                arr = tensor_util.make_ndarray(e.tensor_proto)
                shapes.append(list(arr.shape))
                if arr.dtype.kind in "SO":
                    values.append([len(x) if len(x) > 64 else x.decode("utf8", "replace") for x in arr.reshape(-1)])
                else:
                    values.append([num(v) for v in arr.reshape(-1)])
            run_out["tensors"][tag] = {"plugin": plugin_of.get(tag), "steps": [e.step for e in events], "values": values,
                                      "shapes": shapes}
        if tags.get("graph"):
            run_out["graph_nodes"] = [(n.name, n.op, list(n.input)) for n in mux.Graph(run).node]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
