"""Reads a logdir with TensorBoard's own Python loader and prints what it found as JSON (used by
tensorboard-python.test.ts to check files written by tensorscope)."""
import json
import math
import sys

from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
from tensorboard.plugins.hparams import metadata as hp_metadata
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
        for plugin in ("scalars", "histograms", "images", "text", "hparams"):
            for tag, content in mux.PluginRunToTagToContent(plugin).get(run, {}).items():
                plugin_of[tag] = plugin
                if plugin == "hparams":
                    if tag.endswith("session_start_info"):
                        info = hp_metadata.parse_session_start_info_plugin_data(content)
                        run_out["hparams"] = {k: json_format.MessageToDict(v) for k, v in info.hparams.items()}
        for tag in tags.get("tensors", []):
            events = mux.Tensors(run, tag)
            values = []
            for e in events:
                arr = tensor_util.make_ndarray(e.tensor_proto)
                if arr.dtype.kind in "SO":
                    values.append([len(x) if len(x) > 64 else x.decode("utf8", "replace") for x in arr.reshape(-1)])
                else:
                    values.append([num(v) for v in arr.reshape(-1)])
            run_out["tensors"][tag] = {"plugin": plugin_of.get(tag), "steps": [e.step for e in events], "values": values}
        if tags.get("graph"):
            run_out["graph_nodes"] = [(n.name, n.op, list(n.input)) for n in mux.Graph(run).node]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
