/// The CUDA C source of the backend's kernels, compiled by NVRTC into one module per process.
///
/// Conventions: tensors are contiguous, row-major Float32 unless a kernel says otherwise; bf16 and
/// f16 travel as their 16 bits (`unsigned short`) and convert with the same rounding as the CPU's
/// ``DType/encode(_:count:into:)`` (bf16: round to nearest even, NaN kept a NaN; f16: `cvt.rn`), so
/// no CUDA header is needed. Element-wise kernels use grid-stride loops; row kernels (norms,
/// softmax) give each row one block and reduce with warp shuffles.
enum KernelSource {
    /// Every kernel name the module exports.
    static let names = [
        "cast_f32_bf16", "cast_bf16_f32", "cast_f32_f16", "cast_f16_f32",
        "binary_f32", "unary_f32", "normalize_rows", "softmax_rows", "rotary", "attention_softmax",
        "permute_f32", "gather_rows", "add_block",
    ]

    static let source = """
    __device__ __forceinline__ float bf16_to_f32(unsigned short h) { return __uint_as_float(((unsigned int)h) << 16); }
    __device__ __forceinline__ unsigned short f32_to_bf16(float v) {
        unsigned int b = __float_as_uint(v);
        if ((b & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((b >> 16) | 0x40u);
        return (unsigned short)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
    }
    __device__ __forceinline__ float f16_to_f32(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
    __device__ __forceinline__ unsigned short f32_to_f16(float v) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(v)); return h; }

    #define NEG_INF __int_as_float(0xff800000)
    #define GRID_STRIDE(i, n) for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

    extern "C" __global__ void cast_f32_bf16(const float* x, unsigned short* y, long long n) { GRID_STRIDE(i, n) y[i] = f32_to_bf16(x[i]); }
    extern "C" __global__ void cast_bf16_f32(const unsigned short* x, float* y, long long n) { GRID_STRIDE(i, n) y[i] = bf16_to_f32(x[i]); }
    extern "C" __global__ void cast_f32_f16(const float* x, unsigned short* y, long long n) { GRID_STRIDE(i, n) y[i] = f32_to_f16(x[i]); }
    extern "C" __global__ void cast_f16_f32(const unsigned short* x, float* y, long long n) { GRID_STRIDE(i, n) y[i] = f16_to_f32(x[i]); }

    // y = a (op) b, b repeating with period bCount (bCount == n: same shape; a bias row: its width).
    // op: 0 add, 1 subtract, 2 multiply, 3 divide.
    extern "C" __global__ void binary_f32(const float* a, const float* b, float* y, long long n, long long bCount, int op) {
        GRID_STRIDE(i, n) {
            float u = a[i], v = b[i % bCount];
            y[i] = op == 0 ? u + v : op == 1 ? u - v : op == 2 ? u * v : u / v;
        }
    }

    // op: 0 x*s, 1 x+s, 2 SiLU x/(1+e^-x), 3 GELU tanh form, 4 exp, 5 tanh.
    extern "C" __global__ void unary_f32(const float* x, float* y, long long n, int op, float s) {
        GRID_STRIDE(i, n) {
            float v = x[i], r;
            switch (op) {
            case 0: r = v * s; break;
            case 1: r = v + s; break;
            case 2: r = v / (1.0f + expf(-v)); break;
            case 3: r = 0.5f * v * (1.0f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v))); break;
            case 4: r = expf(v); break;
            default: r = tanhf(v); break;
            }
            y[i] = r;
        }
    }

    struct SumOp { __device__ float operator()(float a, float b) const { return a + b; } };
    struct MaxOp { __device__ float operator()(float a, float b) const { return fmaxf(a, b); } };

    // Reduces v over the block; every thread receives the result.
    template <class Op> __device__ float block_reduce(float v, Op op, float identity) {
        __shared__ float partial[32];
        for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
        int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
        __syncthreads();
        if (lane == 0) partial[warp] = v;
        __syncthreads();
        v = lane < warps ? partial[lane] : identity;
        for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
        return v;
    }

    // One block per row: y = x̂ ⊙ w + b; x̂ = (x − μ)·(σ² + ε)^(-1/2) when centered (LayerNorm),
    // x·(mean(x²) + ε)^(-1/2) otherwise (RMSNorm); w, b may be null (1 and 0).
    extern "C" __global__ void normalize_rows(const float* x, const float* w, const float* b, float* y, int cols, float eps, int centered) {
        const float* xr = x + (long long)blockIdx.x * cols;
        float* yr = y + (long long)blockIdx.x * cols;
        float mean = 0.0f;
        if (centered) {
            float s = 0.0f;
            for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
            mean = block_reduce(s, SumOp(), 0.0f) / cols;
        }
        float q = 0.0f;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) { float d = xr[j] - mean; q += d * d; }
        float r = rsqrtf(block_reduce(q, SumOp(), 0.0f) / cols + eps);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            float v = (xr[j] - mean) * r;
            if (w) v *= w[j];
            if (b) v += b[j];
            yr[j] = v;
        }
    }

    // One block per row: y = softmax(x) over the last axis.
    extern "C" __global__ void softmax_rows(const float* x, float* y, int cols) {
        const float* xr = x + (long long)blockIdx.x * cols;
        float* yr = y + (long long)blockIdx.x * cols;
        float m = NEG_INF;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, xr[j]);
        m = block_reduce(m, MaxOp(), NEG_INF);
        float s = 0.0f;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += expf(xr[j] - m);
        float inv = 1.0f / block_reduce(s, SumOp(), 0.0f);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
    }

    // RoPE on [..., L, D]: pair (a, b) ↦ (a·cos − b·sin, b·cos + a·sin); pairs are (i, i + D/2)
    // (half split) or (2i, 2i + 1) (interleaved). cos/sin are [L, D/2], or [B, L, D/2] with
    // perSequence (blocksPerSequence rows of L positions per sequence). sign −1 rotates back.
    extern "C" __global__ void rotary(const float* x, const float* cosT, const float* sinT, float* y, long long rows, int length,
                                      int width, int perSequence, long long blocksPerSequence, int interleaved, float sign) {
        int half = width / 2;
        GRID_STRIDE(t, rows * half) {
            long long row = t / half; int i = (int)(t % half);
            long long block = row / length; int position = (int)(row % length);
            long long table = (perSequence ? (block / blocksPerSequence) * length * half : 0) + (long long)position * half + i;
            float c = cosT[table], s = sign * sinT[table];
            long long ia = row * width + (interleaved ? 2 * i : i), ib = ia + (interleaved ? 1 : half);
            float a = x[ia], bb = x[ib];
            y[ia] = a * c - bb * s;
            y[ib] = bb * c + a * s;
        }
    }

    // In place, one block per score row of [B, H, Lq, Lk]: masked softmax; key j is kept when
    // (not causal or j ≤ i) and keyPadding[b, j] ≠ 0 (keyPadding may be null). A row with no key
    // kept becomes zeros (the CPU backend's rule).
    extern "C" __global__ void attention_softmax(float* p, const float* keyPadding, int heads, int queries, int keys, int causal) {
        long long row = blockIdx.x;
        int i = (int)(row % queries);
        long long b = row / ((long long)heads * queries);
        float* pr = p + row * keys;
        const float* pad = keyPadding ? keyPadding + b * keys : 0;
        float m = NEG_INF;
        for (int j = threadIdx.x; j < keys; j += blockDim.x) {
            bool keep = (!causal || j <= i) && (!pad || pad[j] != 0.0f);
            if (keep) m = fmaxf(m, pr[j]);
        }
        m = block_reduce(m, MaxOp(), NEG_INF);
        float s = 0.0f;
        for (int j = threadIdx.x; j < keys; j += blockDim.x) {
            bool keep = (!causal || j <= i) && (!pad || pad[j] != 0.0f);
            float e = keep ? expf(pr[j] - m) : 0.0f;
            pr[j] = e;
            s += e;
        }
        s = block_reduce(s, SumOp(), 0.0f);
        float inv = s > 0.0f ? 1.0f / s : 0.0f;
        for (int j = threadIdx.x; j < keys; j += blockDim.x) pr[j] *= inv;
    }

    // y[i] = x[Σₖ iₖ·sₖ] where (i₀, …) is i's multi-index in the output extents d (rank ≤ 6):
    // a permutation (s = the input strides, reordered).
    extern "C" __global__ void permute_f32(const float* x, float* y, long long n, int rank,
                                           long long d0, long long d1, long long d2, long long d3, long long d4, long long d5,
                                           long long s0, long long s1, long long s2, long long s3, long long s4, long long s5) {
        const long long d[6] = {d0, d1, d2, d3, d4, d5}, s[6] = {s0, s1, s2, s3, s4, s5};
        GRID_STRIDE(i, n) {
            long long r = i, offset = 0;
            for (int k = rank - 1; k >= 0; --k) { offset += (r % d[k]) * s[k]; r /= d[k]; }
            y[i] = x[offset];
        }
    }

    // y[j, e] = x[index[j], e] for rows of `width` values (an embedding lookup).
    extern "C" __global__ void gather_rows(const float* x, const long long* index, float* y, long long n, long long width) {
        GRID_STRIDE(i, n) y[i] = x[index[i / width] * width + i % width];
    }

    // t[o·span + offset + r] += s[o·blockSpan + r] for r < blockSpan: adds a block into a region of
    // t along one axis (span = extent·inner, blockSpan = blockExtent·inner, offset = start·inner).
    extern "C" __global__ void add_block(float* t, const float* s, long long n, long long blockSpan, long long span, long long offset) {
        GRID_STRIDE(i, n) t[(i / blockSpan) * span + offset + i % blockSpan] += s[i];
    }
    """
}
