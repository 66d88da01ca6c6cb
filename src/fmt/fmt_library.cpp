// fmt's compiled part, built from the headers libfmt-dev installs (Debian
// ships the library itself only as libfmt.so). Linking it into the binary
// instead of libfmt.so lets the shapelint binary link libstdc++ statically
// too, which saves each process about 1 ms of loading and relocation.
//
// format-inl.h holds fmt's non-inline definitions (FMT_FUNC); this unit
// emits them, and the templates format.h declares as instantiated in the
// library (`extern template` and the dragonbox conversions it calls).
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;

}  // namespace detail
FMT_END_NAMESPACE
