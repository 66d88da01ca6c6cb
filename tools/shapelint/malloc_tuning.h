// Large models: restart the process once with glibc malloc tunables that
// back the heap with transparent huge pages.
#pragma once

namespace shapelint::cli {

// For `check`, `sizes` and `infer` on model files of kReexecMinBytes or
// more in total, re-executes this program (/proc/self/exe, same argv) with
// GLIBC_TUNABLES set, and in the restarted process removes that variable
// again so that nothing the program starts inherits it. Does nothing when
// GLIBC_TUNABLES is already set by the user, when SHAPELINT_NO_REEXEC is
// set, under valgrind, off glibc/Linux, or when the exec fails (the process
// then simply goes on).
void reexecWithMallocTunables(int argc, char** argv);

}  // namespace shapelint::cli
