// The code shown in docs/architecture.md and docs/adding-an-op.md lives here,
// between "// [doc:NAME]" markers, so it is compiled and run like any test.
// Docs.SnippetsAreQuotedVerbatim fails when a doc no longer quotes a snippet
// exactly: change the code here, then paste it into the doc.
#include <gtest/gtest.h>
#include <kindling/testing.hpp>

#include "kindling.hpp"
#include "test_support.hpp"

using namespace kindling;

namespace {

// [doc:softplus]
// out = log(1 + e^x);   dx = g * sigmoid(x)
Tensor softplus(const Tensor& x) {
    Tensor out;
    {
        autograd::NoGradGuard no_grad; // the forward's own steps record nothing
        out = log(exp(x) + 1.0);
    }
    return autograd::record("softplus", out, {x}, [x](const Tensor& g) {
        return std::vector<Tensor>{g * sigmoid(x)}; // one gradient per input, shaped like it
    });
}
// [doc:softplus]

} // namespace

TEST(Softplus, Gradcheck) {
    // [doc:softplus-gradcheck]
    Generator generator(0);
    Tensor x = randn({3, 4}, generator, DType::Float64).requires_grad_();
    EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return softplus(in[0]); }, {x});
    // [doc:softplus-gradcheck]
}

TEST(DocExample, ViewsShareStorage) {
    // [doc:views]
    Tensor a = arange(0.0, 6.0, 1.0).view({2, 3}); // storage [0 1 2 3 4 5]
    Tensor b = a.t();                              // shape [3, 2], strides [1, 3]
    Tensor row = a.select(0, 1);                   // shape [3], offset 3
    EXPECT_TRUE(b.shares_storage_with(a) && row.shares_storage_with(a));
    EXPECT_EQ(b.strides(), (Shape{1, 3}));
    row.fill_(9.0);                                // writes through to a
    EXPECT_EQ(a.at({1, 0}), 9.0);
    EXPECT_EQ(b.at({0, 1}), 9.0);
    EXPECT_FALSE(b.is_contiguous());               // b.view({6}) would throw; b.reshape({6}) copies
    // [doc:views]
}

TEST(DocExample, BackwardWalk) {
    // [doc:backward]
    Tensor x = tensor({1.0, 2.0, 3.0}, DType::Float64).requires_grad_();
    Tensor w = tensor({0.5}, DType::Float64).requires_grad_();
    Tensor y = x * w;          // node "mul", inputs {x, w}; w is broadcast
    Tensor loss = sum(y * y);  // node "mul" with y used twice, then "sum"
    loss.backward();           // d loss / d x = 2 y w,  d loss / d w = sum(2 y x)
    EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0.5, 1.0, 1.5}));
    EXPECT_EQ(w.grad().shape(), (Shape{1}));  // summed back to w's own shape
    EXPECT_EQ(w.grad().item(), 14.0);
    // [doc:backward]
}

TEST(Docs, SnippetsAreQuotedVerbatim) {
    using kindling::testing::read_source_file;
    const auto snippets = kindling::testing::doc_snippets_in("tests/autograd/docs_examples_test.cpp");
    ASSERT_EQ(snippets.size(), 4u);
    const std::string docs = read_source_file("docs/architecture.md") + read_source_file("docs/adding-an-op.md");
    for (const auto& [name, code] : snippets) {
        EXPECT_NE(docs.find("```cpp\n" + code + "```"), std::string::npos)
            << "docs/architecture.md or docs/adding-an-op.md must quote snippet '" << name << "' exactly:\n" << code;
    }
}
