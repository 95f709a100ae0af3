// top_k.cu: TopK, per batch item the k best scores and their indices (torch.topk on Detectron2's
// flattened maps): the RPN's per-level pre-NMS selection and RetinaNet's sigmoid + threshold +
// top-k (Ops/TopK.cs has the semantics).
//
// scores: [n, length] read linearly — a feature map [n, c, h, w] is stored NHWC, which is already
// Detectron2's permute(0, 2, 3, 1).flatten(1) order, index (y·w + x)·c + ch. Candidates: every
// score, or (has_threshold) those strictly above the threshold; with sigmoid, the scores are
// 1 / (1 + e^−x) in float32 and only logits above `floor` (or NaN) are looked at (the reference's
// shortcut, its floor computed by the same C# code: TopKKernel.SigmoidFloor). Order: each
// candidate is one unique 64-bit key (top_k_key, as ScoreOrder.Key): the score's bits mapped so
// that a higher score (NaN above every number, −0 equal to +0) gives a smaller high half, the index
// in the low half; ascending keys are score descending, ties by lower index.
// Outputs: values [n, k] float32, indices [n, k] int64, count [n] int32 = min(k, candidates); rows
// from count on hold −∞ and −1. selected: scratch [n, k] of keys (the plan's node scratch).
// Two launches:
// 1. d2_top_k_select, LaunchShapes.TopKSelect(n): one block of D2_TOP_K_THREADS per batch item.
//    It counts the candidates (one pass); when more than k, a radix select over the candidates'
//    keys, 8 bits per pass from the top (8 passes, a 256-bin shared histogram each, thread 0 walks
//    it), finds the k-th smallest key; then every candidate key not above it is appended to
//    selected (a shared atomic counter: unordered) and count is written.
// 2. d2_top_k_order, LaunchShapes.TopKOrder(n, k): a thread per output row (blocks on x, batch
//    item on y). Row r < count takes selected key r, counts the selected keys below it (its rank:
//    the keys are unique) and writes value and index at that rank; rows from count on write −∞, −1.
// Cost: select reads the item's scores 9 times by one block (O(9·length)); order compares O(k²)
// keys (10⁶ per item for k = 1000, spread over k threads). Matches TopKKernel (Backends/Reference/
// Kernels) bit for bit in the host emulation: the same candidates, keys and float32 sigmoid (glibc's
// expf is .NET's MathF.Exp). On the device expf is within 2 ulp of the correctly rounded value, so
// with sigmoid a probability may differ from the CPU's in its last bit (and with it a threshold
// decision or the order of two near-equal scores); without sigmoid the selection is exact.
// Faster, not done yet: one block per item leaves most SMs idle on the RPN's levels and serialises
// RetinaNet's 10⁶–10⁷ logits per level; a multi-block histogram per pass (global atomics, one
// launch per digit) or a segmented radix sort (CUB's) would spread the reads, a first pass could
// store only the candidates compacted (RetinaNet keeps ~10³ of 10⁷), and a bitonic sort of the k
// selected keys in shared memory would replace the O(k²) ranking.
#include "common.cuh"

#define D2_TOP_K_THREADS 256

// 72 bytes.
struct TopKParams
{
    const float* scores;              // [n, length]
    float* values;                    // [n, k]
    long long* indices;               // [n, k]
    int* count;                       // [n]
    unsigned long long* selected;     // scratch [n, k]
    int n, length, k;
    int sigmoid, has_threshold;
    float threshold;                  // candidates are above it (after the sigmoid), when has_threshold
    float floor;                      // with sigmoid: logits not above it (and not NaN) are skipped
    int pad_;
};
D2_STRUCT_SIZE(TopKParams, 72);

// torch.sigmoid in float32, as the reference: 1 / (1 + e^−x).
__device__ __forceinline__ float top_k_sigmoid(float x)
{
    return 1.f / D2_FADD(1.f, expf(-x));
}

// The score ranked for element i (its sigmoid with p.sigmoid) in *ranked; whether it is a candidate.
__device__ __forceinline__ bool top_k_candidate(const TopKParams& p, float score, float* ranked)
{
    if (p.sigmoid)
    {
        if (!(score > p.floor) && score == score) return false;
        score = top_k_sigmoid(score);
    }
    *ranked = score;
    return !p.has_threshold || score > p.threshold;
}

// ScoreOrder.Key: ascending keys are score descending (NaN first, −0 as +0), then index ascending.
__device__ __forceinline__ unsigned long long top_k_key(float score, int index)
{
    unsigned ascending;
    if (score != score) ascending = 0xFFFFFFFFu;
    else
    {
        unsigned bits = __float_as_uint(score == 0.f ? 0.f : score);
        ascending = (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    }
    return ((unsigned long long)~ascending << 32) | (unsigned)index;
}

extern "C" __global__ void d2_top_k_select(TopKParams p)
{
    __shared__ unsigned histogram[256];
    __shared__ unsigned candidates, appended;
    __shared__ unsigned long long prefix, known;   // the k-th key's bits found so far, and which
    __shared__ unsigned rank;                      // its rank (1-based) among the keys matching them
    int item = blockIdx.x;
    const float* scores = p.scores + (long long)item * p.length;
    unsigned long long* selected = p.selected + (long long)item * p.k;
    float ranked;

    if (threadIdx.x == 0) candidates = 0, appended = 0, prefix = 0, known = 0;
    __syncthreads();
    unsigned mine = 0;
    for (int i = threadIdx.x; i < p.length; i += blockDim.x)
        if (top_k_candidate(p, scores[i], &ranked)) mine++;
    atomicAdd(&candidates, mine);
    __syncthreads();
    unsigned kept = min((unsigned)p.k, candidates);

    if (kept < candidates && kept > 0)
    {
        if (threadIdx.x == 0) rank = kept;
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            for (int d = threadIdx.x; d < 256; d += blockDim.x) histogram[d] = 0;
            __syncthreads();
            for (int i = threadIdx.x; i < p.length; i += blockDim.x)
            {
                if (!top_k_candidate(p, scores[i], &ranked)) continue;
                unsigned long long key = top_k_key(ranked, i);
                if ((key & known) == prefix) atomicAdd(&histogram[(unsigned)(key >> shift) & 255u], 1u);
            }
            __syncthreads();
            if (threadIdx.x == 0)
            {
                unsigned d = 0;
                while (rank > histogram[d]) rank -= histogram[d++];
                prefix |= (unsigned long long)d << shift;
                known |= 0xFFull << shift;
            }
            __syncthreads();
        }
    }
    else if (threadIdx.x == 0) prefix = ~0ull;   // every candidate is kept
    __syncthreads();

    unsigned long long last = prefix;
    for (int i = threadIdx.x; i < p.length; i += blockDim.x)
    {
        if (!top_k_candidate(p, scores[i], &ranked)) continue;
        unsigned long long key = top_k_key(ranked, i);
        if (key <= last) selected[atomicAdd(&appended, 1u)] = key;
    }
    if (threadIdx.x == 0) p.count[item] = (int)kept;
}

extern "C" __global__ void d2_top_k_order(TopKParams p)
{
    int item = blockIdx.y;
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= p.k) return;
    int kept = p.count[item];
    float* values = p.values + (long long)item * p.k;
    long long* indices = p.indices + (long long)item * p.k;
    if (r >= kept)
    {
        values[r] = -INFINITY;
        indices[r] = -1;
        return;
    }
    const unsigned long long* selected = p.selected + (long long)item * p.k;
    unsigned long long key = selected[r];
    int below = 0;
    for (int j = 0; j < kept; j++) below += selected[j] < key;
    int index = (int)(unsigned)key;
    float score = p.scores[(long long)item * p.length + index];
    values[below] = p.sigmoid ? top_k_sigmoid(score) : score;
    indices[below] = index;
}

D2_HOST_STRUCT(TopKParams)
D2_HOST_ENTRY(d2_top_k_select, TopKParams)
D2_HOST_ENTRY(d2_top_k_order, TopKParams)
