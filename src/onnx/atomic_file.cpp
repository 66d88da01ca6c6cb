#include "atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

namespace shapelint::onnx {
namespace {

namespace fs = std::filesystem;

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr size_t kSignalCount = sizeof(kCleanupSignals) / sizeof(kCleanupSignals[0]);

// The temporary file a signal handler removes: a fixed buffer, since a
// handler may only call async-signal-safe functions (unlink, signal, raise).
char gTempPath[4096];
volatile sig_atomic_t gTempArmed = 0;

extern "C" void removeTempAndReraise(int signal) {
  if (gTempArmed) ::unlink(gTempPath);
  gTempArmed = 0;
  // The default action (terminate) runs once the handler returns, so the
  // exit status still says which signal stopped the process.
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

std::string errnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Blocks the cleanup signals while it lives, so that creating or renaming
// the temporary file and arming the handler happen as one step.
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kCleanupSignals) sigaddset(&set, s);
    sigprocmask(SIG_BLOCK, &set, &previous_);
  }
  ~SignalBlock() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t previous_;
};

// Installs the cleanup handler while it lives; the previous dispositions
// come back afterwards. Signals the process ignores stay ignored.
class CleanupHandlers {
 public:
  CleanupHandlers() {
    struct sigaction action {};
    action.sa_handler = removeTempAndReraise;
    sigemptyset(&action.sa_mask);
    for (int s : kCleanupSignals) sigaddset(&action.sa_mask, s);
    for (size_t i = 0; i < kSignalCount; ++i) {
      installed_[i] = false;
      if (sigaction(kCleanupSignals[i], nullptr, &previous_[i]) != 0) continue;
      if (previous_[i].sa_handler == SIG_IGN) continue;
      installed_[i] = sigaction(kCleanupSignals[i], &action, nullptr) == 0;
    }
  }
  ~CleanupHandlers() {
    for (size_t i = 0; i < kSignalCount; ++i)
      if (installed_[i]) sigaction(kCleanupSignals[i], &previous_[i], nullptr);
  }
  CleanupHandlers(const CleanupHandlers&) = delete;
  CleanupHandlers& operator=(const CleanupHandlers&) = delete;

 private:
  struct sigaction previous_[kSignalCount];
  bool installed_[kSignalCount];
};

// The temporary file: created next to the target, removed unless committed.
class TempFile {
 public:
  // Creates ".NAME.XXXXXX.tmp" in the target's folder; error() says why not.
  explicit TempFile(const fs::path& target) {
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string pattern = (dir / ("." + target.filename().string() + ".XXXXXX.tmp")).string();
    if (pattern.size() + 1 > sizeof(gTempPath)) {
      error_ = "cannot create a temporary file: " + errnoText(ENAMETOOLONG);
      return;
    }
    SignalBlock block;
    std::memcpy(gTempPath, pattern.c_str(), pattern.size() + 1);
    fd_ = ::mkostemps(gTempPath, 4, O_CLOEXEC);
    if (fd_ < 0) {
      error_ = "cannot create a temporary file in '" + dir.string() + "': " + errnoText(errno);
      return;
    }
    gTempArmed = 1;
    path_ = gTempPath;
  }
  ~TempFile() {
    closeFd();
    if (!path_.empty()) {
      SignalBlock block;
      ::unlink(path_.c_str());
      gTempArmed = 0;
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& error() const { return error_; }
  int fd() const { return fd_; }

  // Flushes to disk and closes; returns an error text or empty.
  std::string syncAndClose() {
    // mkstemp makes the file 0600; a model is as readable as any new file.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd_, 0666 & ~mask) != 0)
      return "cannot set the permissions of the temporary file: " + errnoText(errno);
    if (::fsync(fd_) != 0) return "cannot write: " + errnoText(errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return "cannot write: " + errnoText(errno);
    return "";
  }

  // Renames the temporary file to `target`; returns an error text or empty.
  std::string commit(const fs::path& target) {
    SignalBlock block;
    if (::rename(path_.c_str(), target.c_str()) != 0) return "cannot rename the temporary file: " + errnoText(errno);
    gTempArmed = 0;
    path_.clear();
    return "";
  }

 private:
  void closeFd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string error_;
  std::string path_;
  int fd_ = -1;
};

// Makes a rename durable; failure is not an error (some file systems refuse).
void syncFolder(const fs::path& target) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::optional<std::string> writeFileAtomically(const std::string& path,
                                               const std::function<std::optional<std::string>(int fd)>& write) {
  const fs::path target(path);
  if (target.filename().empty()) return "not a file name";
  CleanupHandlers handlers;
  TempFile temp(target);
  if (!temp.error().empty()) return temp.error();
  if (std::optional<std::string> error = write(temp.fd())) return error;
  if (std::string error = temp.syncAndClose(); !error.empty()) return error;
  if (std::string error = temp.commit(target); !error.empty()) return error;
  syncFolder(target);
  return std::nullopt;
}

}  // namespace shapelint::onnx
