#include "nn/lr_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace kindling::nn {

// --- the counter -------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
    if (!optimizer.has_initial_lr()) optimizer.set_initial_lr(optimizer.lr());
    base_lr_ = optimizer.initial_lr();
}

void LRScheduler::apply_initial_lr() {
    last_lr_ = lr_at(0);
    optimizer_.set_lr(last_lr_);
}

void LRScheduler::step() {
    const double learning_rate = lr_at(last_epoch_ + 1); // may throw (OneCycleLR past its end): count unchanged
    last_epoch_ += 1;
    last_lr_ = learning_rate;
    optimizer_.set_lr(learning_rate);
}

Metadata LRScheduler::state_dict() const {
    return {{"scheduler", type_name()}, {"last_epoch", std::to_string(last_epoch_)}};
}

void LRScheduler::load_state_dict(const Metadata& state) {
    const std::string where = type_name() + ".load_state_dict";
    const auto type = state.find("scheduler");
    if (type == state.end() || type->second != type_name()) {
        throw std::invalid_argument(where + ": state is for scheduler '" +
                                    (type == state.end() ? std::string("<missing>") : type->second) + "', expected '" +
                                    type_name() + "'");
    }
    const double last_epoch = metadata_to_number(state, "last_epoch", where);
    if (!(last_epoch >= 0.0) || last_epoch != std::floor(last_epoch)) {
        throw std::invalid_argument(where + ": last_epoch must be a non-negative integer, got " +
                                    metadata_number(last_epoch));
    }
    last_lr_ = lr_at(static_cast<std::int64_t>(last_epoch));
    last_epoch_ = static_cast<std::int64_t>(last_epoch);
}

// --- StepLR --------------------------------------------------------------------------------

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
    if (step_size <= 0) throw std::invalid_argument("StepLR: step_size must be > 0, got " + std::to_string(step_size));
    apply_initial_lr();
}

double StepLR::lr_at(std::int64_t step) const {
    return base_lr() * std::pow(gamma_, static_cast<double>(step / step_size_));
}

// --- CosineAnnealingLR -------------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
    if (t_max <= 0) throw std::invalid_argument("CosineAnnealingLR: t_max must be > 0, got " + std::to_string(t_max));
    apply_initial_lr();
}

double CosineAnnealingLR::lr_at(std::int64_t step) const {
    const double progress = static_cast<double>(step) / static_cast<double>(t_max_);
    return eta_min_ + (base_lr() - eta_min_) * (1.0 + std::cos(std::numbers::pi * progress)) / 2.0;
}

// --- LinearLR ------------------------------------------------------------------------------------

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, std::int64_t total_iters)
    : LRScheduler(optimizer), start_factor_(start_factor), end_factor_(end_factor), total_iters_(total_iters) {
    if (!(start_factor > 0.0 && start_factor <= 1.0) || !(end_factor >= 0.0 && end_factor <= 1.0)) {
        throw std::invalid_argument("LinearLR: start_factor must be in (0, 1] and end_factor in [0, 1], got " +
                                    metadata_number(start_factor) + " and " + metadata_number(end_factor));
    }
    if (total_iters <= 0) {
        throw std::invalid_argument("LinearLR: total_iters must be > 0, got " + std::to_string(total_iters));
    }
    apply_initial_lr();
}

double LinearLR::lr_at(std::int64_t step) const {
    const double progress = static_cast<double>(std::min(step, total_iters_)) / static_cast<double>(total_iters_);
    return base_lr() * (start_factor_ + (end_factor_ - start_factor_) * progress);
}

// --- OneCycleLR ------------------------------------------------------------------------------------

namespace {

// Optimizer::initial_lr must be max_lr / div_factor before the base class reads it.
Optimizer& with_initial_lr(Optimizer& optimizer, double initial_lr) {
    optimizer.set_initial_lr(initial_lr);
    return optimizer;
}

} // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, std::int64_t total_steps, OneCycleOptions options)
    : LRScheduler(with_initial_lr(optimizer, max_lr / options.div_factor)), total_steps_(total_steps),
      cosine_anneal_(options.cosine_anneal) {
    if (total_steps <= 0) {
        throw std::invalid_argument("OneCycleLR: total_steps must be > 0, got " + std::to_string(total_steps));
    }
    if (!(options.pct_start >= 0.0 && options.pct_start <= 1.0)) {
        throw std::invalid_argument("OneCycleLR: pct_start must be in [0, 1], got " + metadata_number(options.pct_start));
    }
    const double initial_lr = base_lr();
    const double min_lr = initial_lr / options.final_div_factor;
    const double warmup_end = options.pct_start * static_cast<double>(total_steps) - 1.0;
    const double last_step = static_cast<double>(total_steps) - 1.0;
    // Phase boundaries are PyTorch's, including their "- 1" and "- 2" offsets.
    if (options.three_phase) {
        phases_ = {{warmup_end, initial_lr, max_lr},
                   {2.0 * options.pct_start * static_cast<double>(total_steps) - 2.0, max_lr, initial_lr},
                   {last_step, initial_lr, min_lr}};
    } else {
        phases_ = {{warmup_end, initial_lr, max_lr}, {last_step, max_lr, min_lr}};
    }
    apply_initial_lr();
}

double OneCycleLR::lr_at(std::int64_t step) const {
    if (step > total_steps_) {
        throw std::out_of_range("OneCycleLR: tried to step " + std::to_string(step) +
                                " times; the schedule has total_steps = " + std::to_string(total_steps_));
    }
    double start_step = 0.0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
        const Phase& phase = phases_[i];
        if (static_cast<double>(step) <= phase.end_step || i + 1 == phases_.size()) {
            // pct reaches 1 at step total_steps - 1, the last batch. PyTorch lets the
            // step() after it go past 1 (a negative lr for linear annealing); no batch
            // uses that lr, and we hold the final one instead.
            const double pct =
                std::min(1.0, (static_cast<double>(step) - start_step) / (phase.end_step - start_step));
            if (cosine_anneal_) {
                return phase.end_lr + (phase.start_lr - phase.end_lr) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
            }
            return (phase.end_lr - phase.start_lr) * pct + phase.start_lr;
        }
        start_step = phase.end_step;
    }
    return phases_.back().end_lr; // not reached: the last phase always answers
}

// --- SequentialLR ------------------------------------------------------------------------------------

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<std::int64_t> milestones)
    : LRScheduler(optimizer), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
    if (schedulers_.empty() || milestones_.size() + 1 != schedulers_.size()) {
        throw std::invalid_argument("SequentialLR: expected one milestone fewer than schedulers, got " +
                                    std::to_string(schedulers_.size()) + " schedulers and " +
                                    std::to_string(milestones_.size()) + " milestones");
    }
    for (std::size_t i = 0; i < milestones_.size(); ++i) {
        if (milestones_[i] <= 0 || (i > 0 && milestones_[i] <= milestones_[i - 1])) {
            throw std::invalid_argument("SequentialLR: milestones must be positive and increasing; milestone " +
                                        std::to_string(i) + " is " + std::to_string(milestones_[i]));
        }
    }
    for (const auto& scheduler : schedulers_) {
        if (!scheduler) throw std::invalid_argument("SequentialLR: a scheduler is null");
    }
    apply_initial_lr();
}

double SequentialLR::lr_at(std::int64_t step) const {
    // The active scheduler is the one after the last milestone reached.
    const auto reached = std::upper_bound(milestones_.begin(), milestones_.end(), step) - milestones_.begin();
    const std::int64_t phase_start = reached == 0 ? 0 : milestones_[reached - 1];
    return schedulers_[reached]->lr_at(step - phase_start);
}

} // namespace kindling::nn
