// The graph IR's containers: the name index, boxed members, interned symbols.
#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shapelint/ir/expr.h"
#include "shapelint/ir/graph.h"

namespace shapelint::ir {
namespace {

TEST(Graph, finds_every_value_by_name_across_growth) {
  Graph graph;
  constexpr int kCount = 50'000;  // the index grows from 16 slots many times
  for (int i = 0; i < kCount; ++i) {
    Value& v = graph.getOrAdd("v" + std::to_string(i));
    v.producer = i;
  }
  ASSERT_EQ(graph.values.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    const Value* v = graph.find("v" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(v->producer, i);
    EXPECT_EQ(v->name, "v" + std::to_string(i));
  }
  EXPECT_EQ(graph.find("v" + std::to_string(kCount)), nullptr);
  EXPECT_EQ(graph.find(""), nullptr);
  EXPECT_EQ(graph.find("v"), nullptr);
  // A name already there is the same value, not a new one.
  EXPECT_EQ(&graph.getOrAdd("v17"), graph.find("v17"));
  EXPECT_EQ(graph.values.size(), static_cast<size_t>(kCount));
}

TEST(Graph, index_survives_a_copy_and_reserve) {
  Graph graph;
  graph.valueIndex.reserve(3);
  graph.getOrAdd("a");
  graph.getOrAdd("");  // the empty name is a name like any other here
  graph.getOrAdd("b").elemType = kInt64;
  const Graph copy = graph;
  ASSERT_NE(copy.find("b"), nullptr);
  EXPECT_EQ(copy.find("b")->elemType, kInt64);
  EXPECT_EQ(copy.find("b"), &copy.values[2]);  // the copy's own value
  EXPECT_NE(copy.find(""), nullptr);
  EXPECT_EQ(copy.find("c"), nullptr);
}

TEST(Boxed, copies_deeply_and_reads_like_optional) {
  Value v;
  EXPECT_FALSE(v.data.has_value());
  v.data = ConstData::ofInts({1, 2, 3});
  ASSERT_TRUE(v.data);
  Value copy = v;
  copy.data->ints[0] = 9;
  EXPECT_EQ(v.data->ints[0], 1);
  EXPECT_EQ(copy.data->ints[0], 9);
  std::optional<ConstData> none;
  copy.data = none;
  EXPECT_FALSE(copy.data.has_value());
  EXPECT_EQ(v.data.toOptional()->ints.size(), 3u);
  v.data.reset();
  EXPECT_FALSE(v.data.toOptional().has_value());
}

TEST(Dim, symbols_are_interned_and_compare_by_name) {
  const std::string name = "batch";
  EXPECT_EQ(Dim::symbol(name), Dim::symbol("batch"));
  EXPECT_EQ(Dim::symbol(name).hash(), Dim::symbol(std::string("bat") + "ch").hash());
  EXPECT_NE(Dim::symbol("batch"), Dim::symbol("Batch"));
  EXPECT_EQ(&Dim::symbol("batch").symbol(), &Dim::symbol(name).symbol());
  EXPECT_EQ(Dim::symbol("batch").symbol(), "batch");
  EXPECT_EQ(Dim::symbol("").str(), "");
  EXPECT_NE(Dim::symbol("N"), Dim::value(0));
  EXPECT_EQ(sizeof(Dim), 16u);
}

TEST(Dim, expression_dims_keep_their_expression_through_copies_moves_and_assignments) {
  const Dim h = Dim::symbol("H");
  std::optional<Dim> made = floorDiv(add(h, Dim::value(3)), 4);
  ASSERT_TRUE(made && made->isExpr());
  const std::string text = made->str();
  Dim copy = *made;  // shares the expression
  EXPECT_EQ(copy, *made);
  EXPECT_EQ(copy.hash(), made->hash());
  Dim moved = std::move(*made);
  EXPECT_TRUE(made->isUnknown());  // NOLINT(bugprone-use-after-move): a moved-from dim is unknown
  EXPECT_EQ(moved.str(), text);
  made.reset();
  EXPECT_EQ(copy.str(), text);  // still alive after the original is gone
  const Dim& alias = copy;
  copy = alias;  // self-assignment keeps it
  EXPECT_EQ(copy.str(), text);
  Dim other = Dim::value(7);
  other = copy;
  copy = Dim::value(1);  // drops one holder
  EXPECT_EQ(other.str(), text);
  EXPECT_EQ(other, moved);
  // Structurally equal expressions built apart are equal, with equal hashes.
  std::optional<Dim> again = floorDiv(add(Dim::value(3), h), 4);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, other);
  EXPECT_EQ(again->hash(), other.hash());
  EXPECT_NE(*again, *floorDiv(add(h, Dim::value(1)), 4));
  std::vector<Dim> dims(100, other);  // copies into a container and out
  dims.erase(dims.begin(), dims.begin() + 50);
  EXPECT_EQ(dims.back(), moved);
}

TEST(Attribute, rare_members_read_empty_until_set_and_copy_deeply) {
  Attribute a;
  a.name = "mode";
  EXPECT_EQ(a.s(), "");
  EXPECT_TRUE(a.floats().empty());
  EXPECT_TRUE(a.strings().empty());
  EXPECT_FALSE(a.tensor().has_value());
  EXPECT_TRUE(a.graphs().empty());
  a.mutableS() = "linear";
  a.mutableFloats() = {1.5, 2.0};
  Attribute copy = a;
  copy.mutableS() = "nearest";
  EXPECT_EQ(a.s(), "linear");
  EXPECT_EQ(copy.s(), "nearest");
  EXPECT_EQ(copy.floats().size(), 2u);
  a.mutableTensor().emplace().dims = {3};
  EXPECT_TRUE(a.tensor().has_value());
  EXPECT_FALSE(copy.tensor().has_value());
  EXPECT_LE(sizeof(Attribute), 96u);
}

Attribute intsAttribute(const std::string& name, std::vector<int64_t> ints) {
  Attribute a;
  a.name = name;
  a.type = Attribute::Type::kInts;
  a.ints = std::move(ints);
  return a;
}

TEST(AttributeList, copies_share_storage_until_one_is_written) {
  AttributeList list{intsAttribute("kernel_shape", {3, 3}), intsAttribute("strides", {2, 2})};
  EXPECT_FALSE(list.shared());
  AttributeList copy = list;
  EXPECT_TRUE(list.shared());
  EXPECT_TRUE(copy.shared());
  EXPECT_EQ(&list[0], &copy[0]);

  copy.mutableAt(1).ints = {1, 1};
  EXPECT_NE(&list[0], &copy[0]);
  EXPECT_FALSE(list.shared());
  EXPECT_FALSE(copy.shared());
  EXPECT_EQ(list[1].ints, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(copy[1].ints, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(copy[0].ints, (std::vector<int64_t>{3, 3}));

  AttributeList third = list;
  third.push_back(intsAttribute("pads", {0, 0, 0, 0}));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(third.size(), 3u);
  EXPECT_EQ(third[2].name, "pads");

  AttributeList fourth = list;
  fourth.clear();
  EXPECT_TRUE(fourth.empty());
  EXPECT_EQ(list.size(), 2u);
  EXPECT_FALSE(list.shared());

  AttributeList moved = std::move(list);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_TRUE(list.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty
  moved = moved;              // self-assignment keeps the list
  EXPECT_EQ(moved[0].name, "kernel_shape");
}

TEST(AttributeList, grows_from_vectors_and_appends) {
  std::vector<Attribute> attributes;
  for (int k = 0; k < 9; ++k) attributes.push_back(intsAttribute("a" + std::to_string(k), {k}));
  AttributeList list = attributes;
  ASSERT_EQ(list.size(), 9u);
  for (int k = 0; k < 9; ++k) EXPECT_EQ(list[static_cast<size_t>(k)].ints, (std::vector<int64_t>{k}));
  AttributeList grown;
  for (int k = 0; k < 20; ++k) grown.emplace_back().name = std::to_string(k);
  ASSERT_EQ(grown.size(), 20u);
  EXPECT_EQ(grown[19].name, "19");
  EXPECT_EQ(std::distance(grown.begin(), grown.end()), 20);
  Node node;
  node.attributes = std::move(attributes);
  EXPECT_EQ(node.attr("a4")->ints, (std::vector<int64_t>{4}));
  EXPECT_EQ(node.attr("missing"), nullptr);
}

TEST(ValueIdList, holds_few_ids_in_place_and_many_on_the_heap_through_copies_and_moves) {
  for (size_t count : {size_t{0}, size_t{1}, ValueIdList::kInline, ValueIdList::kInline + 1, size_t{40}}) {
    ValueIdList ids;
    ids.assign(count, Node::kNoValue);
    ASSERT_EQ(ids.size(), count);
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(ids[k], Node::kNoValue);
      ids[k] = static_cast<int32_t>(10 * k);
    }
    ValueIdList copy = ids;
    ids.assign(count, 7);  // the copy is its own
    ValueIdList moved = std::move(copy);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty
    ASSERT_EQ(moved.size(), count);
    std::vector<int32_t> expected;
    for (size_t k = 0; k < count; ++k) expected.push_back(static_cast<int32_t>(10 * k));
    EXPECT_EQ(std::vector<int32_t>(moved.begin(), moved.end()), expected) << count;
    EXPECT_EQ(std::vector<int32_t>(ids.begin(), ids.end()), std::vector<int32_t>(count, 7)) << count;
    copy = moved;
    moved.assign(2, 1);  // heap to inline
    EXPECT_EQ(std::vector<int32_t>(copy.begin(), copy.end()), expected) << count;
    EXPECT_EQ(std::vector<int32_t>(moved.begin(), moved.end()), (std::vector<int32_t>{1, 1})) << count;
    copy = copy;
    EXPECT_EQ(copy.size(), count);
  }
  Node node;
  node.inputs = {"x", "w"};
  node.outputs = {"y"};
  EXPECT_EQ(node.inputValueId(0), Node::kNoValue);  // no ids: filled by the loader only
  node.valueIds.assign(3, 5);
  node.valueIds[2] = 9;
  EXPECT_EQ(node.inputValueId(1), 5);
  EXPECT_EQ(node.outputValueId(0), 9);
}

}  // namespace
}  // namespace shapelint::ir
