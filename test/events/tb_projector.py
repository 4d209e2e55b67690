"""Reads a logdir's embeddings through TensorBoard's own projector plugin (its HTTP handlers, called in-process)
and prints what the projector would show as JSON (used by embedding.test.ts to check files tensorscope wrote)."""
import io
import json
import sys

import numpy as np
from PIL import Image
from werkzeug.test import Client

from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin


def main(logdir):
    mux = plugin_event_multiplexer.EventMultiplexer()
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    provider = data_provider.MultiplexerDataProvider(mux, logdir)
    plugin = ProjectorPlugin(base_plugin.TBContext(logdir=logdir, data_provider=provider))
    apps = plugin.get_plugin_apps()

    def get(route, **args):
        response = Client(apps[route]).get("/", query_string=args)
        if response.status_code != 200:
            raise SystemExit(f"{route} {args}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_data()

    out = {"runs": json.loads(get("/runs"))}
    config = json.loads(get("/info", run="."))
    out["embeddings"] = {}
    for embedding in config.get("embeddings", []):
        name = embedding["tensorName"]
        found = {"config": embedding}
        tensor = np.frombuffer(get("/tensor", run=".", name=name), dtype=np.float32)
        found["tensor"] = tensor.tolist()
        if "metadataPath" in embedding:
            found["metadata"] = get("/metadata", run=".", name=name).decode("utf8")
        if "sprite" in embedding:
            found["sprite_size"] = list(Image.open(io.BytesIO(get("/sprite_image", run=".", name=name))).size)
        out["embeddings"][name] = found
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
