// Boxed<T>: an optional T kept on the heap, with value semantics.
//
// The IR holds millions of values and attributes, and most never have the
// rare members (an attribute's tensor, a value's constant data). An
// std::optional<T> member costs sizeof(T) in every one of them; Boxed<T>
// costs a pointer. It reads like std::optional (has_value, *, ->, reset,
// emplace, assignment from T, std::optional<T> and std::nullopt), and
// copies deeply.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace shapelint::ir {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): reads like std::optional
  Boxed(T value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  Boxed(std::optional<T> value) {  // NOLINT(google-explicit-constructor)
    if (value) ptr_ = std::make_unique<T>(std::move(*value));
  }
  Boxed(const Boxed& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  bool has_value() const { return ptr_ != nullptr; }  // NOLINT(readability-identifier-naming)
  explicit operator bool() const { return ptr_ != nullptr; }
  // Preconditions: has_value().
  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }

  void reset() { ptr_.reset(); }
  template <typename... Args>
  T& emplace(Args&&... args) {
    ptr_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *ptr_;
  }

  // A copy as std::optional, for code written against it.
  std::optional<T> toOptional() const { return ptr_ ? std::optional<T>(*ptr_) : std::nullopt; }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace shapelint::ir
