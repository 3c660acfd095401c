// Diagnostic: a finding about a model or its data, explained in plain words.
//
// Every check in diagnostics.hpp and data_leakage.hpp returns these, so the
// training CLI and the tutorials print them the same way:
//
//   [warning] overfitting: validation loss has risen for 4 epochs since epoch 6 ...
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kindling::metrics {

enum class DiagnosticKind {
    Overfitting,     // training keeps improving while validation gets worse
    ChanceLevel,     // no better than guessing, or than always answering the majority class
    AccuracyParadox, // high accuracy that the majority-class baseline matches
    LowClassRecall,  // one class is mostly missed, whatever the overall accuracy
    DataLeakage,     // the same samples in the training and the test set
};

enum class Severity { Info, Warning, Critical };

const char* diagnostic_kind_name(DiagnosticKind kind); // "overfitting", "chance-level", ...
const char* severity_name(Severity severity);          // "info", "warning", "critical"

struct Diagnostic {
    DiagnosticKind kind;
    Severity severity;
    std::string message;                   // one or two sentences for a person
    std::map<std::string, double> numbers; // the figures behind the message, by name
    std::vector<std::int64_t> indices;     // samples, classes or epochs it concerns (see each check)
};

// "[warning] overfitting: <message>"
std::string to_string(const Diagnostic& diagnostic);

// 0.123 -> "12.3%": how diagnostic messages write a fraction.
std::string format_percent(double fraction);

} // namespace kindling::metrics
