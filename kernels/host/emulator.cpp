// emulator.cpp: the block scheduler behind emulator.h (see there for the model).
#include "emulator.h"

#include <memory>
#include <mutex>
#include <ucontext.h>

uint3 threadIdx;
uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace {

constexpr unsigned MaxThreads = 1024;
// Kernels keep a few locals on the stack; 64 KiB leaves room for libm and the trampolines.
constexpr std::size_t StackBytes = 64 * 1024;

struct Fiber
{
    ucontext_t context;
    uint3 index;
    bool done;
};

// Fixed addresses: a ucontext_t points into itself, so fibers must never move.
Fiber fibers[MaxThreads];
std::unique_ptr<char[]> stacks[MaxThreads];
ucontext_t scheduler;
Fiber* current;
void (*entry)(void**);
void** entryParams;
std::mutex launchLock;

void RunFiber()
{
    entry(entryParams);
    current->done = true;
    // Returning resumes uc_link, the scheduler.
}

// Runs one block to completion: every live thread in turn, until all have returned.
void RunBlock(unsigned threads)
{
    for (unsigned t = 0; t < threads; t++)
    {
        Fiber& f = fibers[t];
        if (!stacks[t]) stacks[t] = std::make_unique<char[]>(StackBytes);
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = stacks[t].get();
        f.context.uc_stack.ss_size = StackBytes;
        f.context.uc_link = &scheduler;
        makecontext(&f.context, RunFiber, 0);
        f.index = {t % blockDim.x, t / blockDim.x % blockDim.y, t / (blockDim.x * blockDim.y)};
        f.done = false;
    }
    for (unsigned live = threads; live > 0;)
    {
        live = 0;
        for (unsigned t = 0; t < threads; t++)
        {
            if (fibers[t].done) continue;
            current = &fibers[t];
            threadIdx = current->index;
            swapcontext(&scheduler, &current->context);
            if (!current->done) live++;
        }
    }
}

} // namespace

void __syncthreads() { swapcontext(&current->context, &scheduler); }

int d2h_run(void (*kernel)(void**), dim3 grid, dim3 block, void** params)
{
    unsigned long long threads = (unsigned long long)block.x * block.y * block.z;
    if (threads == 0 || grid.x == 0 || grid.y == 0 || grid.z == 0) return 3;
    if (threads > MaxThreads) return 2;
    std::lock_guard<std::mutex> hold(launchLock);
    entry = kernel;
    entryParams = params;
    gridDim = grid;
    blockDim = block;
    for (unsigned z = 0; z < grid.z; z++)
        for (unsigned y = 0; y < grid.y; y++)
            for (unsigned x = 0; x < grid.x; x++)
            {
                blockIdx = {x, y, z};
                RunBlock((unsigned)threads);
            }
    return 0;
}
