"""int8 . int8 row dot products for the quantised scan: AVX-512 VNNI (`vpdpbusd` on 64 bytes
per step), AVX-VNNI (32 bytes per step), AVX2 (`vpsignb` + `vpmaddubsw` + `vpmaddwd`, 32
bytes per step) or a plain integer loop, picked per machine.

numba's plain loop vectorises to widening multiplies and stays compute-bound (~3x slower
than memory); `vpdpbusd` does 64 u8 x s8 products per instruction, so the scan runs at
memory speed. It takes unsigned bytes on one side: row codes are flipped to u8 (x ^ 0x80 =
x + 128) as they load, and the caller subtracts 128 * sum(query codes) once per query."""

from __future__ import annotations

import functools

import numba as nb
import numpy as np
from llvmlite import binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils, config
from numba.extending import intrinsic

VNNI512, VNNI256, PLAIN, AVX2 = 0, 1, 2, 3
# Best first (the order `available_modes` answers in).
MODE_NAMES = {"vnni512": VNNI512, "vnni256": VNNI256, "avx2": AVX2, "plain": PLAIN}
ENV = "JOBSEARCH_INT8_KERNEL"  # force a kernel (read by jobsearch.settings): vnni512 | vnni256 | avx2 | plain
_FEATURES: list[frozenset[str]] = []


def target_features() -> frozenset[str]:
    """CPU features numba compiles for (its NUMBA_CPU_FEATURES override, else the host's)."""
    if not _FEATURES:
        spec = getattr(config, "CPU_FEATURES", None)
        spec = spec if spec is not None else llvm.get_host_cpu_features().flatten()
        _FEATURES.append(frozenset(f[1:] for f in spec.split(",") if f.startswith("+")))
    return _FEATURES[0]


def _supported(mode: int, feats: frozenset[str]) -> bool:
    if mode == VNNI512:
        return {"avx512f", "avx512bw", "avx512vnni"} <= feats
    if mode == VNNI256:
        return "avxvnni" in feats or {"avx512vnni", "avx512vl"} <= feats
    if mode == AVX2:
        return "avx2" in feats
    return True


@functools.cache  # asked once per search: the answer is fixed per process
def available_modes(dim: int) -> tuple[str, ...]:
    """Kernels usable for rows of `dim` bytes on this machine, best first."""
    step = {VNNI512: 64, VNNI256: 32, AVX2: 32, PLAIN: 1}
    return tuple(name for name, m in MODE_NAMES.items() if _supported(m, target_features()) and dim % step[m] == 0)


def choose_mode(dim: int, want: str | None = None) -> int:
    """The kernel for `dim`-byte rows: `want` (or $JOBSEARCH_INT8_KERNEL) if given, else the
    fastest this CPU has. Raises ValueError when the wanted one cannot run here."""
    if want is None:
        from jobsearch.settings import current

        want = current().int8_kernel
    usable = available_modes(dim)
    if want is None:
        return MODE_NAMES[usable[0]]
    if want not in MODE_NAMES:
        raise ValueError(f"unknown int8 kernel {want!r}; choose one of {sorted(MODE_NAMES)}")
    if want not in usable:
        raise ValueError(f"int8 kernel {want!r} cannot run for dim {dim} on this CPU (usable: {usable})")
    return MODE_NAMES[want]


def has_vnni(dim: int) -> bool:
    """Whether int8 rows of this width get a VNNI kernel here."""
    return available_modes(dim)[0] in ("vnni512", "vnni256")


def has_fast_int8(dim: int) -> bool:
    """Whether int8 rows of this width get a SIMD kernel (VNNI or AVX2) here."""
    return available_modes(dim)[0] != "plain"


def _row_pointers(context, builder, signature, args):  # noqa: ANN001, ANN202 - numba codegen
    """(row width, byte pointer to row r of X, byte pointer to row qi of Q8) for the
    (X, r, Q8, qi) intrinsics."""
    xty, _, qty, _ = signature.args
    xa = context.make_array(xty)(context, builder, args[0])
    qa = context.make_array(qty)(context, builder, args[2])
    i8p = ir.IntType(8).as_pointer()
    d = builder.extract_value(xa.shape, 1)
    xrow = builder.gep(builder.bitcast(xa.data, i8p), [builder.mul(args[1], builder.extract_value(xa.strides, 0))])
    qrow = builder.gep(builder.bitcast(qa.data, i8p), [builder.mul(args[3], builder.extract_value(qa.strides, 0))])
    return d, xrow, qrow


def _vnni_codegen(mode: int):
    """LLVM IR for sum_j u8(X[r, j] ^ 0x80) * Q8[qi, j] over whole vector steps. On a CPU
    without the instruction it compiles to 0: `choose_mode` never selects it there, and the
    kernels that branch on the mode must still compile everywhere."""
    lanes = 16 if mode == VNNI512 else 8
    i32 = ir.IntType(32)
    vec = ir.VectorType(i32, lanes)

    def codegen(context, builder, signature, args):
        if not _supported(mode, target_features()):
            return i32(0)
        d, xrow, qrow = _row_pointers(context, builder, signature, args)
        step = d.type(lanes * 4)
        dpbusd = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vec, [vec, vec, vec]), f"llvm.x86.avx512.vpdpbusd.{lanes * 32}")
        reduce = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(i32, [vec]), f"llvm.vector.reduce.add.v{lanes}i32")
        flip = ir.Constant(vec, [i32(-0x7F7F7F80)] * lanes)  # 0x80808080: s8 -> u8 + 128
        acc = cgutils.alloca_once_value(builder, ir.Constant(vec, None))
        with cgutils.for_range(builder, builder.udiv(d, step)) as loop:
            off = builder.mul(loop.index, step)
            xv = builder.load(builder.bitcast(builder.gep(xrow, [off]), vec.as_pointer()), align=1)
            qv = builder.load(builder.bitcast(builder.gep(qrow, [off]), vec.as_pointer()), align=1)
            builder.store(builder.call(dpbusd, [builder.load(acc), builder.xor(xv, flip), qv]), acc)
        return builder.call(reduce, [builder.load(acc)])

    return codegen


def _avx2_codegen():
    """LLVM IR for the exact sum_j X[r, j] * Q8[qi, j] with AVX2, 32 bytes per step.
    `vpmaddubsw` multiplies unsigned by signed bytes and saturates pairs to int16, so the
    query's sign moves onto the row (`vpsignb`) and its magnitude (<= 127) is the unsigned
    side: each pair sums to at most 2 * 127 * 127 = 32258 < 32767, never saturating (codes
    are in [-127, 127], see `quantize_int8`). `vpmaddwd` by ones widens pairs to int32."""
    i32 = ir.IntType(32)
    v8 = ir.VectorType(ir.IntType(8), 32)
    v16 = ir.VectorType(ir.IntType(16), 16)
    v32 = ir.VectorType(i32, 8)

    def codegen(context, builder, signature, args):
        if not _supported(AVX2, target_features()):
            return i32(0)
        d, xrow, qrow = _row_pointers(context, builder, signature, args)
        mod = builder.module
        psign = cgutils.get_or_insert_function(mod, ir.FunctionType(v8, [v8, v8]), "llvm.x86.avx2.psign.b")
        maddubs = cgutils.get_or_insert_function(mod, ir.FunctionType(v16, [v8, v8]), "llvm.x86.avx2.pmadd.ub.sw")
        maddwd = cgutils.get_or_insert_function(mod, ir.FunctionType(v32, [v16, v16]), "llvm.x86.avx2.pmadd.wd")
        vabs = cgutils.get_or_insert_function(mod, ir.FunctionType(v8, [v8, ir.IntType(1)]), "llvm.abs.v32i8")
        reduce = cgutils.get_or_insert_function(mod, ir.FunctionType(i32, [v32]), "llvm.vector.reduce.add.v8i32")
        ones = ir.Constant(v16, [ir.IntType(16)(1)] * 16)
        acc = cgutils.alloca_once_value(builder, ir.Constant(v32, None))
        step = d.type(32)
        with cgutils.for_range(builder, builder.udiv(d, step)) as loop:
            off = builder.mul(loop.index, step)
            xv = builder.load(builder.bitcast(builder.gep(xrow, [off]), v8.as_pointer()), align=1)
            qv = builder.load(builder.bitcast(builder.gep(qrow, [off]), v8.as_pointer()), align=1)
            pairs = builder.call(maddubs, [builder.call(vabs, [qv, ir.IntType(1)(0)]), builder.call(psign, [xv, qv])])
            builder.store(builder.add(builder.load(acc), builder.call(maddwd, [pairs, ones])), acc)
        return builder.call(reduce, [builder.load(acc)])

    return codegen


@intrinsic
def _maddubs256(typingctx, X, r, Q8, qi):
    return types.int32(X, r, Q8, qi), _avx2_codegen()


@intrinsic
def _dpbusd512(typingctx, X, r, Q8, qi):
    return types.int32(X, r, Q8, qi), _vnni_codegen(VNNI512)


@intrinsic
def _dpbusd256(typingctx, X, r, Q8, qi):
    return types.int32(X, r, Q8, qi), _vnni_codegen(VNNI256)


GROUP = 16  # queries per `dots512x16` call: one zmm of sums


def _tree_reduce(builder, accs):
    """16 <16 x i32> accumulators -> one <16 x i32> whose lane g is the sum of accs[g]:
    four rounds of pairwise shuffle + add, each halving the lanes that belong to one
    accumulator (45 instructions for 16 sums, against 16 x 9 for separate reductions)."""
    vec = ir.VectorType(ir.IntType(32), 16)
    items = [(a, [g] * 16) for g, a in enumerate(accs)]  # (vector, accumulator of each lane)
    width = 16
    while len(items) > 1:
        half = width // 2
        # In each block of `width` lanes: a's first half then b's (lo), the second halves (hi).
        lo = [x for blk in range(0, 16, width) for x in [*range(blk, blk + half), *range(16 + blk, 16 + blk + half)]]
        hi = [x + half for x in lo]
        nxt = []
        for (a, own_a), (b, own_b) in zip(items[0::2], items[1::2], strict=True):
            both = own_a + own_b
            summed = builder.add(builder.shuffle_vector(a, b, ir.Constant(vec, lo)),
                                 builder.shuffle_vector(a, b, ir.Constant(vec, hi)))
            nxt.append((summed, [both[x] for x in lo]))
        items, width = nxt, half
    total, owner = items[0]
    return builder.shuffle_vector(total, total, ir.Constant(vec, [owner.index(g) for g in range(16)]))


@intrinsic
def dots512x16(typingctx, X, r, Q8, q0, out):
    """out[g] = sum_j u8(X[r, j] ^ 0x80) * Q8[q0 + g, j] for g < 16 (Q8 padded to whole
    groups): the row is loaded and flipped once for 16 queries. 0s on a CPU without VNNI."""
    sig = types.void(X, r, Q8, q0, out)

    def codegen(context, builder, signature, args):
        if not _supported(VNNI512, target_features()):
            return context.get_dummy_value()
        i32 = ir.IntType(32)
        vec = ir.VectorType(i32, 16)
        xa = context.make_array(signature.args[0])(context, builder, args[0])
        qa = context.make_array(signature.args[2])(context, builder, args[2])
        oa = context.make_array(signature.args[4])(context, builder, args[4])
        i8p = ir.IntType(8).as_pointer()
        d = builder.extract_value(xa.shape, 1)
        qstride = builder.extract_value(qa.strides, 0)
        xrow = builder.gep(builder.bitcast(xa.data, i8p), [builder.mul(args[1], builder.extract_value(xa.strides, 0))])
        qbase = builder.gep(builder.bitcast(qa.data, i8p), [builder.mul(args[3], qstride)])
        dpbusd = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vec, [vec, vec, vec]), "llvm.x86.avx512.vpdpbusd.512")
        flip = ir.Constant(vec, [i32(-0x7F7F7F80)] * 16)
        accs = [cgutils.alloca_once_value(builder, ir.Constant(vec, None)) for _ in range(GROUP)]
        step = d.type(64)
        with cgutils.for_range(builder, builder.udiv(d, step)) as loop:
            off = builder.mul(loop.index, step)
            xv = builder.xor(builder.load(builder.bitcast(builder.gep(xrow, [off]), vec.as_pointer()), align=1), flip)
            for g in range(GROUP):
                qp = builder.gep(qbase, [builder.add(builder.mul(qstride, qstride.type(g)), off)])
                qv = builder.load(builder.bitcast(qp, vec.as_pointer()), align=1)
                builder.store(builder.call(dpbusd, [builder.load(accs[g]), xv, qv]), accs[g])
        sums = _tree_reduce(builder, [builder.load(a) for a in accs])
        builder.store(sums, builder.bitcast(oa.data, vec.as_pointer()), align=4)
        return context.get_dummy_value()

    return sig, codegen


@nb.njit(inline="always")
def dot512(X, r, Q8, qi, qsum):
    """Exact int32 dot of int8 row r of X with int8 query row qi of Q8 (`qsum[qi]` = the sum
    of that query's codes, for the u8 offset); 64 bytes per step."""
    return _dpbusd512(X, r, Q8, qi) - 128 * qsum[qi]  # type: ignore[call-arg]


@nb.njit(inline="always")
def dot256(X, r, Q8, qi, qsum):
    """`dot512` in 32-byte steps (AVX-VNNI, or AVX-512 VNNI on 256-bit registers)."""
    return _dpbusd256(X, r, Q8, qi) - 128 * qsum[qi]  # type: ignore[call-arg]


@nb.njit(inline="always")
def dot_avx2(X, r, Q8, qi, qsum):
    """`dot512` with AVX2 only (no u8 offset: the sign trick multiplies signed codes)."""
    return _maddubs256(X, r, Q8, qi)  # type: ignore[call-arg]


@nb.njit(inline="always")
def dot_plain(X, r, Q8, qi, qsum):
    """`dot512` for any CPU and any width."""
    acc = np.int32(0)
    for j in range(X.shape[1]):
        acc += np.int32(X[r, j]) * np.int32(Q8[qi, j])
    return acc


@nb.njit(inline="always")
def dot_i8(mode, X, r, Q8, qi, qsum):
    """The dot of kernel `mode`, chosen per call: for code off the hot path (a branch on the
    mode inside a row loop cost 4x in the scan, so the scans are built per kernel)."""
    if mode == VNNI512:
        return dot512(X, r, Q8, qi, qsum)
    if mode == VNNI256:
        return dot256(X, r, Q8, qi, qsum)
    if mode == AVX2:
        return dot_avx2(X, r, Q8, qi, qsum)
    return dot_plain(X, r, Q8, qi, qsum)
