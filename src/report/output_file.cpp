// --output FILE: the report replaces FILE atomically, so a CI step that
// uploads it never sees half a report. A smaller cousin of
// src/onnx/atomic_file.cpp (which the report library cannot link): no
// signal handlers, so a report interrupted by a signal may leave its
// ".NAME.XXXXXX.tmp" file behind; FILE itself is never half-written.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

namespace fs = std::filesystem;

std::string errnoText(int error) { return std::error_code(error, std::generic_category()).message(); }

}  // namespace

std::optional<std::string> writeFileAtomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  if (target.filename().empty()) return "not a file name";
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX.tmp")).string();
  const int fd = ::mkostemps(temp.data(), 4, O_CLOEXEC);
  if (fd < 0) return "cannot create a temporary file in '" + dir.string() + "': " + errnoText(errno);

  auto fail = [&](const std::string& what, int error) -> std::optional<std::string> {
    ::close(fd);
    ::unlink(temp.c_str());
    return what + ": " + errnoText(error);
  };
  for (size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", errno);
    written += static_cast<size_t>(n);
  }
  // mkstemp makes the file 0600; a report is as readable as any new file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0) return fail("cannot set the permissions of the temporary file", errno);
  if (::fsync(fd) != 0) return fail("cannot write", errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return "cannot write: " + errnoText(error);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return "cannot rename the temporary file: " + errnoText(error);
  }
  return std::nullopt;
}

}  // namespace shapelint::report
