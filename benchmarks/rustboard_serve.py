"""Times TensorBoard's Rust data server (tensorboard_data_server in .venv) loading a logdir and serving every
scalar point over gRPC. Prints one JSON line: load_cycle_s (the server's own "Finished load cycle" figure),
served_s (spawn -> all points received by this client), points (how many it returned), peak_rss_mb (the
server's VmHWM once it has served them).
Usage: rustboard_serve.py <logdir> <expected points>"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import grpc
from tensorboard.data.proto import data_provider_pb2 as dp
from tensorboard.data.proto import data_provider_pb2_grpc as dp_grpc
from tensorboard_data_server import server_binary

# Rust's Duration Debug format: "412ns", "850.3µs", "12.5ms", "1.2s" (a small logdir loads in under 1 ms).
LOAD_CYCLE = re.compile(r"Finished load cycle \(([0-9.]+)(ns|µs|us|ms|s)\)")
SECONDS_PER_UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


def main(logdir, expected):
    port_file = tempfile.mktemp()
    args = [server_binary(), "--logdir", logdir, "--port", "0", "--port-file", port_file, "--reload", "once",
            "--samples-per-plugin", "scalars=all", "--die-after-stdin", "-v"]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cycle = {}
    done = threading.Event()

    def watch():
        for line in proc.stderr:
            m = LOAD_CYCLE.search(line)
            if m:
                cycle["s"] = float(m.group(1)) * SECONDS_PER_UNIT[m.group(2)]
                cycle["at"] = time.perf_counter() - start
                done.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        while not (os.path.exists(port_file) and open(port_file).read().endswith("\n")):
            time.sleep(0.005)
        port = int(open(port_file).read())
        stub = dp_grpc.TensorBoardDataProviderStub(grpc.insecure_channel(f"localhost:{port}", options=[
            ("grpc.max_receive_message_length", 1 << 30)]))
        done.wait(600)
        request = dp.ReadScalarsRequest(plugin_filter=dp.PluginFilter(plugin_name="scalars"),
                                        downsample=dp.Downsample(num_points=10 ** 9))
        response = stub.ReadScalars(request)
        points = sum(len(tag.data.step) for run in response.runs for tag in run.tags)
        served = time.perf_counter() - start
        print(json.dumps({"load_cycle_s": cycle.get("s"), "load_done_s": cycle.get("at"), "served_s": served,
                          "points": points, "expected": expected, "peak_rss_mb": peak_rss_mb(proc.pid)}))
    finally:
        proc.stdin.close()
        proc.wait(10)
        os.path.exists(port_file) and os.remove(port_file)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
