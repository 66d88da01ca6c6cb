// escapeForTerminal: model-supplied text (node names, op types, value names
// inside messages, file paths) is printed only through this function, so a
// crafted model cannot move the cursor, recolour or clear the terminal, or
// fake extra lines of output.
#include <cstdint>
#include <string>
#include <string_view>

#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

struct Utf8Char {
  size_t length = 0;  // 0: the bytes at this position are not valid UTF-8
  char32_t codePoint = 0;
};

bool isContinuation(unsigned char byte, unsigned char low = 0x80, unsigned char high = 0xBF) {
  return byte >= low && byte <= high;
}

// Decodes one UTF-8 character at text[pos] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
Utf8Char decodeUtf8(std::string_view text, size_t pos) {
  auto byteAt = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byteAt(pos);
  const size_t remaining = text.size() - pos;
  if (lead < 0x80) return {1, lead};

  size_t length = 0;
  unsigned char secondLow = 0x80;
  unsigned char secondHigh = 0xBF;
  char32_t bits = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    bits = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    bits = lead & 0x0Fu;
    if (lead == 0xE0) secondLow = 0xA0;   // overlong
    if (lead == 0xED) secondHigh = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    bits = lead & 0x07u;
    if (lead == 0xF0) secondLow = 0x90;   // overlong
    if (lead == 0xF4) secondHigh = 0x8F;  // above U+10FFFF
  } else {
    return {};
  }
  if (remaining < length || !isContinuation(byteAt(pos + 1), secondLow, secondHigh)) return {};
  for (size_t i = 1; i < length; ++i) {
    if (!isContinuation(byteAt(pos + i))) return {};
    bits = (bits << 6) | (byteAt(pos + i) & 0x3Fu);
  }
  return {length, bits};
}

// Characters a terminal acts on rather than prints: C0 and C1 controls, DEL,
// and the bidirectional overrides and isolates that reorder what is shown.
bool isUnsafeCodePoint(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void appendHexEscape(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

}  // namespace

std::string escapeForTerminal(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Char c = decodeUtf8(text, pos);
    if (c.length == 0) {  // invalid byte: escape it alone, resynchronise at the next
      appendHexEscape(out, static_cast<unsigned char>(text[pos]));
      ++pos;
      continue;
    }
    if (c.codePoint == U'\n') {
      out += "\\n";
    } else if (isUnsafeCodePoint(c.codePoint)) {
      for (size_t i = 0; i < c.length; ++i) appendHexEscape(out, static_cast<unsigned char>(text[pos + i]));
    } else {
      out.append(text, pos, c.length);
    }
    pos += c.length;
  }
  return out;
}

}  // namespace shapelint::report
