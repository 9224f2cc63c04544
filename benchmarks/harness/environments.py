"""Where the contenders run: this project's ``ccl`` in the current interpreter, the harness venv
(the ctypes wrapper and the peers, which must never share a process with this project: the
wrapper also imports as ``ccl``), the compiled C floor, and a description of the machine."""

import hashlib
import json
import os
import platform
import subprocess
import sys

from .log import log

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(BENCH)
CONTENDERS = os.path.join(BENCH, "contenders")

# The harness venv: the ctypes wrapper and both peers (none of them imports this project).
# cbor2 6 breaks cbor2pure, which pycardano 0.19.2 imports; matplotlib draws results.png.
VENV_REQUIREMENTS = [
    "cardano-client-lib==0.1.0rc6",
    "pycardano==0.19.2",
    "cbor2<6",
    "biglup-cometa==1.2.1.post6",
    "pyyaml",
    "matplotlib",
]


def find_ours():
    """(info dict, env) for running contenders/ours.py with this interpreter, or exit."""
    probe = (
        "import json, os, ccl, ccl._core; "
        "print(json.dumps({'file': ccl.__file__, 'version': getattr(ccl, '__version__', None)}))"
    )
    env = dict(os.environ)
    r = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=BENCH
    )
    if r.returncode != 0:
        sys.exit(
            "run.py: this interpreter cannot import the project's `ccl` (with its compiled core):\n"
            f"  {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'import failed'}\n"
            "Install it first:  pip install .   (from the repo root)\n"
            "or run in place:   PYTHONPATH=src python benchmarks/run.py ...  (after building "
            "in place)"
        )
    info = json.loads(r.stdout)
    pkg = os.path.dirname(info["file"])
    # the probe imported ccl._core: the ctypes wrapper (which also imports as ccl, and whose
    # ccl._ffi this project now mirrors for drop-in code) has no compiled core
    # make sure the worker imports the same package, whatever its cwd
    parent = os.path.dirname(pkg)
    env["PYTHONPATH"] = os.pathsep.join(
        [parent]
        + [
            p
            for p in env.get("PYTHONPATH", "").split(os.pathsep)
            if p and os.path.abspath(p) != parent
        ]
    )
    info["package_dir"] = pkg
    return info, env


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(cache, logdir):
    """The harness venv (ctypes wrapper + peers + matplotlib), created once and cached.
    Returns (python path, None) or (None, reason)."""
    venv = os.path.join(cache, "venv-ref")
    stamp = os.path.join(venv, ".ccl-bench-requirements")
    want = "\n".join(VENV_REQUIREMENTS) + f"\npython {sys.version_info[0]}.{sys.version_info[1]}\n"
    py = venv_python(venv)
    if os.path.exists(py) and os.path.exists(stamp) and open(stamp).read() == want:
        return py, None
    logf = os.path.join(logdir, "venv.log")
    log(f"creating the harness venv {venv} (once; cached) ...")
    with open(logf, "a") as lf:
        if not os.path.exists(py):
            r = subprocess.run([sys.executable, "-m", "venv", venv], stdout=lf, stderr=lf)
            if r.returncode != 0:
                return None, f"python -m venv failed (see {logf})"
        # pip refuses the yanked cardano-client-lib unless pinned exactly: it is.
        r = subprocess.run(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + VENV_REQUIREMENTS,
            stdout=lf,
            stderr=lf,
            env=clean_env(os.environ),
        )
        if r.returncode != 0:
            return None, f"pip install into the harness venv failed (see {logf})"
    with open(stamp, "w") as f:
        f.write(want)
    return py, None


def clean_env(env):
    """An environment for the harness venv: no PYTHONPATH (it would shadow the ctypes `ccl`)."""
    env = dict(env)
    for k in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(k, None)
    return env


def build_floor(cache, ours_pkg, logdir):
    """Compile floor.c against the libccl that ours is linked with. Returns (path, libdir)."""
    libdir = os.path.join(ours_pkg, "_libs")
    if not os.path.exists(os.path.join(libdir, "libccl.so")):
        alt = os.path.join(REPO, "src", "ccl", "_libs")
        if os.path.exists(os.path.join(alt, "libccl.so")):
            libdir = alt
        else:
            raise RuntimeError(f"libccl.so not found in {libdir}")
    include = os.path.join(REPO, "native", "include")
    src = os.path.join(BENCH, "floor.c")
    cc = os.environ.get("CC", "cc")
    h = hashlib.sha256()
    for p in (src, os.path.join(include, "libccl.h"), os.path.join(include, "graal_isolate.h")):
        h.update(open(p, "rb").read())
    h.update(os.path.realpath(libdir).encode())
    h.update(str(os.stat(os.path.join(libdir, "libccl.so")).st_mtime_ns).encode())
    h.update(cc.encode())
    exe = os.path.join(cache, f"floor-{h.hexdigest()[:12]}")
    if not os.path.exists(exe):
        cmd = [
            cc,
            "-O2",
            "-std=c11",
            "-Wall",
            "-pthread",
            src,
            "-I",
            include,
            "-L",
            libdir,
            "-lccl",
            f"-Wl,-rpath,{os.path.realpath(libdir)}",
            "-o",
            exe + ".tmp",
        ]
        log("building floor: " + " ".join(cmd))
        r = subprocess.run(cmd, capture_output=True, text=True)
        with open(os.path.join(logdir, "floor-build.log"), "w") as f:
            f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"cc failed: {r.stderr.strip()[-2000:]}")
        os.replace(exe + ".tmp", exe)
    return exe, libdir


def machine_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = None
    try:
        cc = subprocess.run(
            [os.environ.get("CC", "cc"), "--version"], capture_output=True, text=True
        ).stdout.splitlines()[0]
    except Exception:
        cc = None
    try:
        mem_total = int(open("/proc/meminfo").readline().split()[1]) // 1024
    except Exception:
        mem_total = None
    return {
        "cpu_model": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "mem_total_mb": mem_total,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "cc": cc,
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
