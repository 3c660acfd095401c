#!/usr/bin/python3
"""Kindling against PyTorch on the same CPU, side by side, in one run.

    /usr/bin/python3 benchmarks/compare_pytorch.py [--openblas both|default|unset]
                                                   [--kindling build/kindling] [--out results.json] [--quick]

Run it with Debian's /usr/bin/python3 (python3-torch 1.13). It times the
reference workloads of benchmarks/reference_workloads.hpp:

  * the conv layers a-g at 1 thread: forward, and forward + backward
    (y = conv(x); y.backward(dy), x requiring grad, so dX, dW and db);
  * the reference training step (batch 128 of 3x32x32, the small CNN,
    cross-entropy, backward, SGD lr 0.01 momentum 0.9) at 1 and 2 threads,

for Kindling (`kindling bench conv|train-step --json`) and for PyTorch along
both of its CPU convolution paths:

  * oneDNN   PyTorch's default (aten::mkldnn_convolution), hand-tuned kernels;
  * im2col   torch.backends.mkldnn.flags(enabled=False) (aten::thnn_conv2d):
             im2col + an OpenBLAS SGEMM per image, Kindling's algorithm on
             the same OpenBLAS, so the fairest comparison.

Everything runs once per OpenBLAS setting: the default environment (which, on
the project's machines, sets OPENBLAS_CORETYPE=Haswell, the AVX2 kernels) and
with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (OpenBLAS picks its AVX-512
kernels). OpenBLAS reads these variables when it is loaded, so every
measurement runs in a subprocess started with that environment: Kindling, and
this same script with --worker for PyTorch.

Same rules on both sides: the layers, repeats and warm-up counts come from
Kindling's JSON, times are medians (statistics.median, as Kindling's) of
time.perf_counter / steady_clock measurements, gradients are dropped untimed
before each run, and the thread counts match. Ratios are speed ratios,
time(PyTorch) / time(Kindling): above 1 means Kindling is faster.
"""
import argparse
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PATHS = ("im2col", "onednn")  # PyTorch's two CPU convolution paths
PATH_NAMES = {"im2col": "im2col", "onednn": "oneDNN"}
OPENBLAS_SETTINGS = {
    "default": "default environment",
    "unset": "AVX-512 (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)",
}
TRAIN_THREADS = (1, 2)


# --- the PyTorch worker (runs in a subprocess) ---------------------------------------


def loaded_openblas_core():
    """The core name of the OpenBLAS that torch loaded, via its C API, e.g. 'Haswell'."""
    with open("/proc/self/maps") as maps:
        libraries = {line.split()[-1] for line in maps if "libopenblas" in line}
    if not libraries:
        return "no OpenBLAS loaded"
    openblas = ctypes.CDLL(sorted(libraries)[0])  # already loaded: the same handle torch uses
    openblas.openblas_get_corename.restype = ctypes.c_char_p
    return openblas.openblas_get_corename().decode()


def convolution_flags(path):
    """The context that selects PyTorch's convolution path."""
    import torch

    return torch.backends.mkldnn.flags(enabled=(path == "onednn"))


def median_milliseconds(warmup, repeats, prepare, work):
    """prepare() then work(), `warmup` times untimed, then `repeats` times timing work() alone."""
    for _ in range(warmup):
        prepare()
        work()
    times = []
    for _ in range(repeats):
        prepare()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def convolution_op_name(conv, x, path):
    """Which aten op the path really runs, recorded by the profiler (a check, not a timing)."""
    import torch

    with convolution_flags(path), torch.autograd.profiler.profile() as profile:
        conv(x)
    names = {event.name for event in profile.function_events}
    for name in ("aten::mkldnn_convolution", "aten::thnn_conv2d", "aten::_slow_conv2d_forward"):
        if name in names:
            return name
    return "other: " + ", ".join(sorted(name for name in names if "conv" in name))


def worker_conv(request):
    """Times every case of Kindling's conv report along both paths, at request['threads']."""
    import torch

    torch.manual_seed(0)
    results = {path: [] for path in PATHS}
    for case in request["cases"]:
        # The same layer as Kindling's: square kernel, stride and padding, with bias.
        conv = torch.nn.Conv2d(case["in_channels"], case["out_channels"], case["kernel"],
                               stride=case["stride"], padding=case["padding"], bias=True)
        x = torch.randn(case["batch"], case["in_channels"], case["image_size"], case["image_size"],
                        requires_grad=True)
        with torch.no_grad():
            grad_output = torch.randn_like(conv(x))

        def drop_gradients():
            x.grad = None
            conv.weight.grad = None
            conv.bias.grad = None

        def forward_backward():
            y = conv(x)
            y.backward(grad_output)  # dX, dW, db

        for path in PATHS:
            op_name = convolution_op_name(conv, x, path)
            with convolution_flags(path):
                forward_ms = median_milliseconds(request["warmup"], request["repeats"], drop_gradients,
                                                 lambda: conv(x))
                forward_backward_ms = median_milliseconds(request["warmup"], request["repeats"], drop_gradients,
                                                          forward_backward)
            results[path].append({"layer": case["layer"], "op": op_name, "forward_ms": forward_ms,
                                  "forward_backward_ms": forward_backward_ms})
    op_names = {path: " / ".join(sorted({row["op"] for row in results[path]})) for path in PATHS}
    return {"conv": results, "convolution_ops": op_names}


def reference_training_network():
    """The network of benchmarks/reference_workloads.hpp, PyTorch's default initialisation."""
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))


def page_faults():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt + usage.ru_majflt


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports kilobytes


def worker_train_step(request):
    """Times the reference training step along one path; this process does nothing else, so
    its peak resident memory is the step's (plus the interpreter and torch themselves)."""
    import torch
    import torch.nn.functional as functional

    torch.manual_seed(0)
    model = reference_training_network()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.randn(request["batch_size"], 3, 32, 32)
    labels = torch.randint(0, 10, (request["batch_size"],))
    baseline_rss_mb = peak_rss_mb()

    def training_step():
        optimizer.zero_grad(set_to_none=True)  # Kindling's zero_grad drops the gradients too
        loss = functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    with convolution_flags(request["path"]):
        faults_at_start = page_faults()
        for _ in range(request["warmup"]):
            training_step()
        faults_after_warmup = page_faults()
        step_ms = median_milliseconds(0, request["steps"], lambda: None, training_step)
        timed_faults = page_faults() - faults_after_warmup
    return {"path": request["path"], "threads": request["threads"], "batch_size": request["batch_size"],
            "steps": request["steps"], "step_ms": step_ms,
            "images_per_second": request["batch_size"] / (step_ms / 1000.0),
            "peak_rss_mb": peak_rss_mb(), "rss_before_training_mb": baseline_rss_mb,
            "page_faults_per_step": timed_faults / request["steps"],
            "warmup_page_faults": faults_after_warmup - faults_at_start}


def run_worker(kind):
    """Reads the request (JSON) from stdin, prints the result (JSON) on stdout."""
    import torch

    request = json.load(sys.stdin)
    torch.set_num_threads(request["threads"])
    result = worker_conv(request) if kind == "conv" else worker_train_step(request)
    result.update({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                   "openblas_core": loaded_openblas_core()})
    json.dump(result, sys.stdout)


# --- the driver ------------------------------------------------------------------------


def environment_for(setting):
    environment = dict(os.environ)
    if setting == "unset":
        environment.pop("OPENBLAS_CORETYPE", None)
        environment.pop("OPENBLAS_L2_SIZE", None)
    return environment


def run_json(command, environment, request=None):
    completed = subprocess.run(command, env=environment, input=json.dumps(request) if request else None,
                               capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"compare_pytorch: {' '.join(map(str, command))} failed (exit {completed.returncode}):\n"
                 f"{completed.stderr}{completed.stdout}")
    return json.loads(completed.stdout)


def run_pytorch(kind, request, environment):
    worker_environment = dict(environment)
    # One OpenBLAS thread, always. At 2 threads PyTorch's im2col path splits the batch
    # over its OpenMP threads and each calls SGEMM; a multi-threaded OpenBLAS would
    # start 2 more threads inside each call, 2 x 2 threads on 2 cores (oversubscribed).
    # At 1 thread, torch.set_num_threads(1) does not reach OpenBLAS, which would
    # otherwise use both cores and not be a 1-thread measurement.
    worker_environment["OPENBLAS_NUM_THREADS"] = "1"
    return run_json([sys.executable, __file__, "--worker", kind], worker_environment, request)


def measure_setting(setting, arguments):
    """All measurements under one OpenBLAS setting, Kindling and PyTorch interleaved so that
    changes in the shared machine's load hit both sides alike."""
    environment = environment_for(setting)
    kindling = str(arguments.kindling)
    conv_command = [kindling, "bench", "conv", "--json", "--threads", "1"]
    if arguments.repeats:
        conv_command += ["--repeats", str(arguments.repeats)]
    if arguments.layers:
        conv_command += ["--layers", arguments.layers]
    print(f"[{setting}] conv layers ...", file=sys.stderr, flush=True)
    kindling_conv = run_json(conv_command, environment)
    pytorch_conv = run_pytorch("conv", {"threads": 1, "cases": kindling_conv["cases"],
                                        "repeats": kindling_conv["repeats"],
                                        "warmup": kindling_conv["warmup_runs"]}, environment)

    kindling_train, pytorch_train = {}, {path: {} for path in PATHS}
    for threads in TRAIN_THREADS:
        print(f"[{setting}] training step, {threads} thread(s) ...", file=sys.stderr, flush=True)
        command = [kindling, "bench", "train-step", "--json", "--threads", str(threads),
                   "--batch-size", str(arguments.batch_size)]
        if arguments.steps:
            command += ["--steps", str(arguments.steps)]
        kindling_train[threads] = run_json(command, environment)
        for path in PATHS:
            pytorch_train[path][threads] = run_pytorch(
                "train-step", {"threads": threads, "path": path, "batch_size": arguments.batch_size,
                               "steps": kindling_train[threads]["steps"],
                               "warmup": kindling_train[threads]["warmup_steps"]}, environment)
    return {"setting": setting, "description": OPENBLAS_SETTINGS[setting],
            "environment": {name: environment.get(name) for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
            "kindling": {"conv": kindling_conv, "train_step": kindling_train},
            "pytorch": {"conv": pytorch_conv, "train_step": pytorch_train}}


def speed_ratio(pytorch_ms, kindling_ms):
    return pytorch_ms / kindling_ms


def add_ratios(result):
    """Speed ratios Kindling / PyTorch (> 1 = Kindling faster), stored beside the raw numbers."""
    ratios = {"conv": [], "train_step": {}}
    pytorch_conv = result["pytorch"]["conv"]["conv"]
    for index, case in enumerate(result["kindling"]["conv"]["cases"]):
        row = {"layer": case["layer"]}
        for path in PATHS:
            theirs = pytorch_conv[path][index]
            row[f"forward_vs_{path}"] = speed_ratio(theirs["forward_ms"], case["forward_ms"])
            row[f"forward_backward_vs_{path}"] = speed_ratio(theirs["forward_backward_ms"],
                                                             case["forward_backward_ms"])
        ratios["conv"].append(row)
    for threads, ours in result["kindling"]["train_step"].items():
        ratios["train_step"][threads] = {
            f"vs_{path}": ours["images_per_second"] / result["pytorch"]["train_step"][path][threads]["images_per_second"]
            for path in PATHS}
    kindling_train = result["kindling"]["train_step"]
    ratios["kindling_two_thread_speedup"] = kindling_train[2]["images_per_second"] / kindling_train[1]["images_per_second"]
    result["ratios"] = ratios


def print_setting(result):
    kindling_conv = result["kindling"]["conv"]
    pytorch_conv = result["pytorch"]["conv"]
    environment = ", ".join(f"{name}={value}" if value is not None else f"{name} unset"
                            for name, value in result["environment"].items())
    print(f"\n=== OpenBLAS: {result['setting']}: {environment} ===")
    print(f"OpenBLAS core: Kindling {kindling_conv['openblas_core']}, PyTorch {pytorch_conv['openblas_core']}"
          f"   (PyTorch {pytorch_conv['torch_version']}; im2col path runs {pytorch_conv['convolution_ops']['im2col']},"
          f" oneDNN path {pytorch_conv['convolution_ops']['onednn']})")

    print(f"\nConv layers, 1 thread: ms, medians of {kindling_conv['repeats']} runs after "
          f"{kindling_conv['warmup_runs']} warm-up runs.")
    print("Ratios are speed ratios Kindling/PyTorch = time(PyTorch) / time(Kindling): > 1 means Kindling is faster.")
    print(f"{'':31}| {'Kindling':^30} | {'PyTorch im2col':^16} | {'PyTorch oneDNN':^16} | {'Kindling/im2col':^15} |"
          f" {'Kindling/oneDNN':^15}")
    print(f"{'layer':31}| {'fwd':>7} {'f+b':>7} {'fwd/GEMM':>8} {'GF/s':>5} | {'fwd':>7} {'f+b':>8} |"
          f" {'fwd':>7} {'f+b':>8} | {'fwd':>7} {'f+b':>7} | {'fwd':>7} {'f+b':>7}")
    for index, case in enumerate(kindling_conv["cases"]):
        im2col = pytorch_conv["conv"]["im2col"][index]
        onednn = pytorch_conv["conv"]["onednn"][index]
        ratio = result["ratios"]["conv"][index]
        print(f"{case['layer'] + ' ' + case['description'] + ' N=' + str(case['batch']):31}|"
              f" {case['forward_ms']:7.2f} {case['forward_backward_ms']:7.2f} {100 * case['forward_vs_gemm']:7.0f}%"
              f" {case['forward_gflops']:5.0f} |"
              f" {im2col['forward_ms']:7.2f} {im2col['forward_backward_ms']:8.2f} |"
              f" {onednn['forward_ms']:7.2f} {onednn['forward_backward_ms']:8.2f} |"
              f" {ratio['forward_vs_im2col']:6.2f}x {ratio['forward_backward_vs_im2col']:6.2f}x |"
              f" {ratio['forward_vs_onednn']:6.2f}x {ratio['forward_backward_vs_onednn']:6.2f}x")
    print("(fwd/GEMM: Kindling's forward GFLOP/s as % of one bare OpenBLAS SGEMM of the forward's shape; "
          "GF/s: Kindling forward GFLOP/s)")

    kindling_train = result["kindling"]["train_step"]
    pytorch_train = result["pytorch"]["train_step"]
    first = kindling_train[TRAIN_THREADS[0]]
    print(f"\nTraining step, batch {first['batch_size']}: images/s from the median step of {first['steps']} after "
          f"{first['warmup_steps']} warm-up steps; peak RSS per process (PyTorch's includes the interpreter).")
    print(f"{'':16}| {'1 thread':>9} {'2 threads':>9} {'speed-up':>8} | {'peak RSS MB 1t':>14} {'2t':>6} |"
          f" {'page faults/step 1t':>19} {'2t':>6}")
    rows = [("Kindling", kindling_train)] + [(f"PyTorch {PATH_NAMES[path]}", pytorch_train[path]) for path in PATHS]
    for name, runs in rows:
        one, two = runs[1], runs[2]
        print(f"{name:16}| {one['images_per_second']:9.1f} {two['images_per_second']:9.1f}"
              f" {two['images_per_second'] / one['images_per_second']:7.2f}x |"
              f" {one['peak_rss_mb']:14.1f} {two['peak_rss_mb']:6.1f} |"
              f" {one['page_faults_per_step']:19.1f} {two['page_faults_per_step']:6.1f}")
    for path in PATHS:
        ratios = result["ratios"]["train_step"]
        print(f"{'Kindling/' + PATH_NAMES[path]:16}| {ratios[1]['vs_' + path]:8.2f}x {ratios[2]['vs_' + path]:8.2f}x"
              f"   (speed ratio, > 1 = Kindling faster)")
    before = ", ".join(f"{PATH_NAMES[path]} {pytorch_train[path][1]['rss_before_training_mb']:.0f} MB" for path in PATHS)
    print(f"(PyTorch's RSS before its first step, i.e. interpreter + torch + model + data: {before})")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--openblas", choices=("both", "default", "unset"), default="both",
                        help="which OpenBLAS settings to measure (default: both)")
    parser.add_argument("--kindling", type=Path, default=REPOSITORY / "build" / "kindling",
                        help="the kindling program (default: build/kindling in the repository)")
    parser.add_argument("--out", type=Path, help="write every number to this JSON file")
    parser.add_argument("--quick", action="store_true", help="few repeats and steps: a smoke test, not a measurement")
    parser.add_argument("--layers", help="conv layers to time, e.g. b,c,d (default: a-g)")
    parser.add_argument("--repeats", type=int, help="timed conv runs per measurement (default: Kindling's)")
    parser.add_argument("--steps", type=int, help="timed training steps (default: Kindling's)")
    parser.add_argument("--batch-size", type=int, default=128, help="training-step batch (default: 128)")
    parser.add_argument("--worker", choices=("conv", "train-step"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.repeats = arguments.repeats or 2
        arguments.steps = arguments.steps or 2
    return arguments


def main():
    arguments = parse_arguments()
    if arguments.worker:
        run_worker(arguments.worker)
        return
    if not arguments.kindling.is_file():
        sys.exit(f"compare_pytorch: {arguments.kindling} not found: build it (cmake --build build --target kindling_cli)"
                 " or pass --kindling PATH")
    settings = list(OPENBLAS_SETTINGS) if arguments.openblas == "both" else [arguments.openblas]
    print(f"load average at the start: {' '.join(f'{load:.2f}' for load in os.getloadavg())}"
          f" on {os.cpu_count()} CPUs (timings are only comparable within one run)")
    results = []
    for setting in settings:
        result = measure_setting(setting, arguments)
        add_ratios(result)
        print_setting(result)
        sys.stdout.flush()  # the table before the next setting's progress lines on stderr
        results.append(result)
    if arguments.out:
        arguments.out.write_text(json.dumps({"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
                                             "quick": arguments.quick, "settings": results}, indent=2))
        print(f"\nwrote {arguments.out}")


if __name__ == "__main__":
    main()
