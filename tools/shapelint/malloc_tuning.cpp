// Why: the IR of a model with many nodes is a few hundred MB of small
// objects. Measured on the 2-core VM (chain_100k, 220 MB peak): with the
// default 4 KiB pages, `check` takes 67 000 page faults and about 3.5 s;
// with glibc.malloc.hugetlb=1 (heap and large chunks madvised for
// transparent huge pages) and a 32 MiB mmap threshold (freed memory is
// reused instead of unmapped and faulted in again), 1 200 faults and about
// 1.2 s, same output. glibc reads its tunables only at process start, hence
// the re-exec; it costs one more program start (about 5 ms), so it is done
// only for inputs where it pays. Re-measured once the IR had shrunk (issue
// 8, 541 MB for the 1M-node chain), `perf stat -r 20`, with and without:
// chain_10k (0.6 MB) 22 and 18 ms, a 20k-node chain (1.3 MB) 33 and 38 ms,
// 40k nodes (2.6 MB) 52 and 65 ms, chain_100k (6.6 MB) 109 and 159 ms.
//
// One model on the main thread needs no restart: the same effect comes
// from mallopt and one madvise. The first growth of the heap is made large
// (M_TOP_PAD), that stretch is advised for huge pages, and the trim
// threshold keeps it from being handed back and grown again in small
// pages. Measured with `perf stat -r 30` (static-protobuf build): the
// 10k-node residual stack 1 686 -> 381 page faults, 12.3 -> 9.5 ms of CPU.
#include "malloc_tuning.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

namespace shapelint::cli {
namespace {

constexpr char kTunables[] = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432";
constexpr uint64_t kReexecMinBytes = 1024ull * 1024;
constexpr uint64_t kPadMinBytes = 32ull * 1024;
constexpr int kDefaultTopPad = 128 << 10;  // glibc's DEFAULT_TOP_PAD
constexpr uint64_t kHugePage = 2ull << 20;

bool loadsModels(std::string_view command) { return command == "check" || command == "sizes" || command == "infer"; }

struct ModelFiles {
  int count = 0;
  uint64_t bytes = 0;
};

// The arguments that name regular files: how many, and their total size.
ModelFiles modelFiles(int argc, char** argv) {
  ModelFiles files;
  for (int i = 2; i < argc; ++i) {
    struct stat info {};
    if (::stat(argv[i], &info) == 0 && S_ISREG(info.st_mode)) {
      ++files.count;
      files.bytes += static_cast<uint64_t>(info.st_size);
    }
  }
  return files;
}

#if defined(__linux__) && defined(__GLIBC__)
// What glibc.malloc.hugetlb=1 and glibc.malloc.mmap_threshold do, for the
// main thread's heap, from inside the process.
void padHeapForHugePages(uint64_t modelBytes) {
  // The IR of a node-only graph takes about 8 times its file (chain_1m: 69 MB
  // file, 530 MB peak); the reservation is address space, only touched pages cost.
  const uint64_t pad = std::min<uint64_t>(modelBytes * 12 + 4 * kHugePage, 1ull << 30);
  // Every block from the advised heap (glibc's hugetlb=1 also advises the
  // blocks it maps on their own; the 1M-node chain's node list is 190 MB).
  if (::mallopt(M_MMAP_MAX, 0) == 0) return;
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<uint64_t>(2 * pad, std::numeric_limits<int>::max())));
  ::mallopt(M_TOP_PAD, static_cast<int>(pad));
  auto* before = static_cast<char*>(::sbrk(0));
  void* volatile probe = std::malloc(256 << 10);  // volatile: an unused malloc and free may be left out
  std::free(probe);
  // Later growth (past the reservation, or when it could not be made) in the usual steps.
  ::mallopt(M_TOP_PAD, kDefaultTopPad);
  auto* after = static_cast<char*>(::sbrk(0));
  if (before == reinterpret_cast<char*>(-1) || after <= before) return;
  const uintptr_t start = (reinterpret_cast<uintptr_t>(before) + kHugePage - 1) & ~(kHugePage - 1);
  const auto end = reinterpret_cast<uintptr_t>(after);
  if (end <= start) return;
  ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  // The heap below `start` (up to 2 MiB) has small pages, and it is where
  // the next blocks would go: the 10k-node residual stack took 250 page
  // faults there. One block takes it instead, so that the model's memory
  // begins on the first huge page; the block is never written, so it costs
  // address space, not memory. (keepcost: the size of the heap's top.)
  const uintptr_t top = end - ::mallinfo2().keepcost;
  if (top < start) {
    void* volatile filler = std::malloc(start - top);  // kept to the process exit
    (void)filler;
  }
}
#endif

}  // namespace

void tuneMalloc(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  if (const char* current = std::getenv("GLIBC_TUNABLES")) {
    if (std::strcmp(current, kTunables) == 0) ::unsetenv("GLIBC_TUNABLES");  // ours, from the re-exec
    return;
  }
  if (argc < 3 || !loadsModels(argv[1]) || std::getenv("SHAPELINT_NO_REEXEC") != nullptr) return;
  if (const char* preload = std::getenv("LD_PRELOAD"); preload && std::strstr(preload, "vgpreload")) return;
  const ModelFiles files = modelFiles(argc, argv);
  if (files.count == 1) {
    if (files.bytes >= kPadMinBytes) padHeapForHugePages(files.bytes);
    return;
  }
  if (files.bytes < kReexecMinBytes) return;
  if (::setenv("GLIBC_TUNABLES", kTunables, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // the exec failed: go on without
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace shapelint::cli
