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
#include "malloc_tuning.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace shapelint::cli {
namespace {

constexpr char kTunables[] = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432";
constexpr uint64_t kReexecMinBytes = 1024ull * 1024;

bool loadsModels(std::string_view command) { return command == "check" || command == "sizes" || command == "infer"; }

// The total size of the arguments that name regular files.
uint64_t fileBytes(int argc, char** argv) {
  uint64_t total = 0;
  for (int i = 2; i < argc; ++i) {
    struct stat info {};
    if (::stat(argv[i], &info) == 0 && S_ISREG(info.st_mode)) total += static_cast<uint64_t>(info.st_size);
  }
  return total;
}

}  // namespace

void reexecWithMallocTunables(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  if (const char* current = std::getenv("GLIBC_TUNABLES")) {
    if (std::strcmp(current, kTunables) == 0) ::unsetenv("GLIBC_TUNABLES");  // ours, from the re-exec
    return;
  }
  if (argc < 3 || !loadsModels(argv[1]) || std::getenv("SHAPELINT_NO_REEXEC") != nullptr) return;
  if (const char* preload = std::getenv("LD_PRELOAD"); preload && std::strstr(preload, "vgpreload")) return;
  if (fileBytes(argc, argv) < kReexecMinBytes) return;
  if (::setenv("GLIBC_TUNABLES", kTunables, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // the exec failed: go on without
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace shapelint::cli
