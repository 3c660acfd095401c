#include "metrics/diagnostic.hpp"

#include <cstdio>

namespace kindling::metrics {

const char* diagnostic_kind_name(DiagnosticKind kind) {
    switch (kind) {
    case DiagnosticKind::Overfitting: return "overfitting";
    case DiagnosticKind::ChanceLevel: return "chance-level";
    case DiagnosticKind::AccuracyParadox: return "accuracy-paradox";
    case DiagnosticKind::LowClassRecall: return "low-class-recall";
    case DiagnosticKind::DataLeakage: return "data-leakage";
    }
    return "unknown";
}

const char* severity_name(Severity severity) {
    switch (severity) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Critical: return "critical";
    }
    return "unknown";
}

std::string to_string(const Diagnostic& diagnostic) {
    return std::string("[") + severity_name(diagnostic.severity) + "] " + diagnostic_kind_name(diagnostic.kind) + ": " +
           diagnostic.message;
}

std::string format_percent(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
    return text;
}

} // namespace kindling::metrics
