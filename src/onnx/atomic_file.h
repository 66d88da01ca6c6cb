// Replacing a file atomically. Private to src/onnx.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace shapelint::onnx {

// Writes a file at `path` through `write`, atomically: `write` fills a new
// temporary file in the same folder (it gets the descriptor and returns an
// error text, or nullopt), which is then fsynced and renamed over `path`,
// and the folder is fsynced. On any error, and on SIGINT, SIGTERM or SIGHUP
// while the temporary file exists, the temporary file is removed and `path`
// is left as it was. Returns an error text without the path, or nullopt.
// Not thread-safe: it installs signal handlers for the duration.
std::optional<std::string> writeFileAtomically(const std::string& path,
                                               const std::function<std::optional<std::string>(int fd)>& write);

}  // namespace shapelint::onnx
