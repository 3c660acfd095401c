// Generator: the one source of randomness. Every random factory, initialiser,
// Dropout mask and data shuffle takes a Generator, so a run is reproduced
// exactly by its seed.
//
// We implement uniform and normal sampling ourselves (rather than
// std::normal_distribution) because the standard leaves their algorithms to the
// library vendor: the same seed would give other numbers with another compiler.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace kindling {

class Generator {
public:
    explicit Generator(std::uint64_t seed = 0) : engine_(seed), seed_(seed) {}

    void manual_seed(std::uint64_t seed) {
        engine_.seed(seed);
        seed_ = seed;
        has_spare_normal_ = false;
    }
    std::uint64_t initial_seed() const { return seed_; }

    // 64 random bits.
    std::uint64_t next_u64() { return engine_(); }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

    // Uniform integer in [low, high); rejection sampling keeps it unbiased.
    std::int64_t integer(std::int64_t low, std::int64_t high) {
        const std::uint64_t range = static_cast<std::uint64_t>(high - low);
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
        std::uint64_t draw;
        do {
            draw = engine_();
        } while (draw >= limit);
        return low + static_cast<std::int64_t>(draw % range);
    }

    // Standard normal by the Box–Muller transform: two uniforms give two
    // independent normals; the second is kept for the next call.
    double normal() {
        if (has_spare_normal_) {
            has_spare_normal_ = false;
            return spare_normal_;
        }
        const double u1 = 1.0 - uniform(); // in (0, 1], so log(u1) is finite
        const double u2 = uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 2.0 * std::numbers::pi * u2;
        spare_normal_ = radius * std::sin(angle);
        has_spare_normal_ = true;
        return radius * std::cos(angle);
    }

private:
    std::mt19937_64 engine_;
    std::uint64_t seed_;
    double spare_normal_ = 0.0;
    bool has_spare_normal_ = false;
};

// A process-wide generator for code that does not pass its own (like torch's
// default generator). Seed it with manual_seed() for reproducible runs.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

} // namespace kindling
