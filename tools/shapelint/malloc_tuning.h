// Large models: back the heap with transparent huge pages.
#pragma once

namespace shapelint::cli {

// For `check`, `sizes` and `infer`: when the arguments name one model file
// of kPadMinBytes or more, reserves a heap of about twelve times its size
// in one piece and advises it for transparent huge pages, in this process
// (the IR of such a model is then built on the main thread); when they
// name several files of kReexecMinBytes or more in total (worker threads,
// each with its own malloc arena), re-executes this program
// (/proc/self/exe, same argv) with GLIBC_TUNABLES set, and in the restarted
// process removes that variable again so that nothing the program starts
// inherits it. Does nothing when GLIBC_TUNABLES is already set by the user,
// when SHAPELINT_NO_REEXEC is set, under valgrind, off glibc/Linux, or when
// a step fails (the process then simply goes on).
void tuneMalloc(int argc, char** argv);

}  // namespace shapelint::cli
