// Text summaries of a ConfusionMatrix for people to read.
//
// classification_report() reproduces scikit-learn's layout character for
// character (tests compare against it), so users can check one against the
// other:
//
//                   precision    recall  f1-score   support
//
//            cat       0.94      0.91      0.93        55
//            dog       0.89      0.93      0.91        45
//
//       accuracy                           0.92       100
//      macro avg       0.92      0.92      0.92       100
//   weighted avg       0.92      0.92      0.92       100
#pragma once

#include <string>
#include <vector>

#include "metrics/class_counts.hpp"
#include "metrics/confusion_matrix.hpp"

namespace kindling::metrics {

// Per-class precision, recall, F1 and support, then accuracy and the macro and
// weighted averages. class_names defaults to "0", "1", ...
std::string classification_report(const ConfusionMatrix& confusion, const std::vector<std::string>& class_names = {},
                                   int digits = 2, ZeroDivision zero_division = {});

// The matrix with class names on both axes (rows = true class):
//
//   true \ predicted  cat  dog
//                cat   50    5
//                dog    3   42
//
// With a normalisation the cells are fractions printed with `digits` decimals.
std::string format_confusion_matrix(const ConfusionMatrix& confusion, const std::vector<std::string>& class_names = {},
                                    Normalize normalize = Normalize::None, int digits = 2);

// class_names if it has one name per class, "0", "1", ... when it is empty;
// throws naming both sizes otherwise.
std::vector<std::string> resolve_class_names(const std::vector<std::string>& class_names, std::int64_t num_classes,
                                             const char* op);

} // namespace kindling::metrics
