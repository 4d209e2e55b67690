"""Serves a logdir through TensorBoard's own audio, mesh, custom-scalars and hparams plugins (their HTTP handlers,
called in-process) and prints what each would send to the browser as JSON (used by kinds.test.ts)."""
import io
import json
import sys
import urllib.parse
import wave

import numpy as np
from werkzeug.test import Client

from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.audio.audio_plugin import AudioPlugin
from tensorboard.plugins.custom_scalar.custom_scalars_plugin import CustomScalarsPlugin
from tensorboard.plugins.hparams.hparams_plugin import HParamsPlugin
from tensorboard.plugins.mesh.mesh_plugin import MeshPlugin
from tensorboard.plugins.scalar.scalars_plugin import ScalarsPlugin


def main(logdir):
    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0, "scalars": 0})
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    provider = data_provider.MultiplexerDataProvider(mux, logdir)
    context = base_plugin.TBContext(logdir=logdir, data_provider=provider, multiplexer=mux)
    scalars = ScalarsPlugin(context)
    loader = {"scalars": scalars}
    context = base_plugin.TBContext(
        logdir=logdir, data_provider=provider, multiplexer=mux, plugin_name_to_instance=loader
    )

    def get(plugin, route, **args):
        response = Client(plugin.get_plugin_apps()[route]).get("/", query_string=args)
        if response.status_code != 200:
            raise SystemExit(f"{route} {args}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_data()

    out = {}
    audio = AudioPlugin(context)
    out["audio"] = {}
    for run, tags in json.loads(get(audio, "/tags")).items():
        for tag in tags:
            clips = []
            for entry in json.loads(get(audio, "/audio", run=run, tag=tag)):
                query = dict(urllib.parse.parse_qsl(entry["query"]))
                wav = get(audio, "/individualAudio", **query)
                with wave.open(io.BytesIO(wav)) as w:
                    frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
                    clips.append({"step": entry["step"], "contentType": entry["contentType"],
                                  "rate": w.getframerate(), "channels": w.getnchannels(),
                                  "samples": frames.tolist()})
            out["audio"][f"{run}/{tag}"] = clips
    mesh = MeshPlugin(context)
    out["mesh"] = {}
    for run, tags in json.loads(get(mesh, "/tags")).items():
        for tag in tags:
            found = {"meta": json.loads(get(mesh, "/meshes", run=run, tag=tag, sample=0))}
            for meta in found["meta"]:
                kind = {1: "VERTEX", 2: "FACE", 3: "COLOR"}[meta["content_type"]]
                dtype = {"VERTEX": np.float32, "FACE": np.int32, "COLOR": np.uint8}[kind]
                data = get(mesh, "/data", run=run, tag=tag, sample=0, content_type=kind, step=meta["step"])
                found[kind] = np.frombuffer(data, dtype=dtype).tolist()
            out["mesh"][f"{run}/{tag}"] = found
    custom = CustomScalarsPlugin(context)
    out["custom_scalars_layout"] = json.loads(get(custom, "/layout"))
    hparams = HParamsPlugin(context)
    out["hparams_experiment"] = json.loads(
        get(hparams, "/experiment", request=json.dumps({"experimentName": ""}))
    )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
