// Learning-rate schedules, like torch.optim.lr_scheduler.
//
// A scheduler owns a step counter (last_epoch, "epoch" for historical reasons:
// it counts whatever you call step() once per, epochs or batches) and sets the
// optimizer's learning rate from it:
//
//   SGD sgd(model.parameters(), {.lr = 0.1, .momentum = 0.9});
//   CosineAnnealingLR schedule(sgd, /*t_max=*/epochs);
//   for (epoch...) { for (batch...) { ...; sgd.step(); }  schedule.step(); }
//
// Each schedule here is a closed-form function lr_at(step) of the step count
// and base_lr (the optimizer's initial_lr), so a schedule can be resumed,
// composed (SequentialLR) or plotted without replaying it. The values match
// PyTorch's schedulers (tested against committed fixtures), as long as the
// learning rate is changed only by the scheduler.
//
// Like PyTorch, constructing a scheduler already applies lr_at(0).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/optimizer.hpp"

namespace kindling::nn {

class LRScheduler {
public:
    virtual ~LRScheduler() = default;
    LRScheduler(const LRScheduler&) = delete;
    LRScheduler& operator=(const LRScheduler&) = delete;

    // Advances the counter by one and sets the optimizer's learning rate.
    void step();
    // The learning rate set by the last step() (or by the constructor).
    double get_last_lr() const { return last_lr_; }
    std::int64_t last_epoch() const { return last_epoch_; }

    // The learning rate after `step` calls to step().
    virtual double lr_at(std::int64_t step) const = 0;
    virtual std::string type_name() const = 0;

    // {"scheduler": type, "last_epoch": n}: store it beside the optimizer state
    // (nn::save(optimizer, path, scheduler.state_dict())) to resume a schedule.
    Metadata state_dict() const;
    // Restores the counter (the optimizer's own state restores its lr).
    void load_state_dict(const Metadata& state);

protected:
    // Records base_lr from the optimizer (setting its initial_lr on first use).
    explicit LRScheduler(Optimizer& optimizer);
    // Derived constructors call this last: sets lr_at(0) like PyTorch's initial step.
    void apply_initial_lr();
    double base_lr() const { return base_lr_; }

private:
    Optimizer& optimizer_;
    double base_lr_;
    std::int64_t last_epoch_ = 0;
    double last_lr_ = 0.0;
};

// lr = base_lr * gamma^floor(step / step_size): decay by gamma every step_size steps.
class StepLR : public LRScheduler {
public:
    StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);
    double lr_at(std::int64_t step) const override;
    std::string type_name() const override { return "StepLR"; }

private:
    std::int64_t step_size_;
    double gamma_;
};

// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * step / t_max)) / 2:
// half a cosine from base_lr down to eta_min over t_max steps.
class CosineAnnealingLR : public LRScheduler {
public:
    CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min = 0.0);
    double lr_at(std::int64_t step) const override;
    std::string type_name() const override { return "CosineAnnealingLR"; }

private:
    std::int64_t t_max_;
    double eta_min_;
};

// Linear change of the factor multiplying base_lr, from start_factor to
// end_factor over total_iters steps, then constant. With start_factor < 1 and
// end_factor = 1 it is the usual linear warm-up:
//   lr = base_lr * (start + (end - start) * min(step, total_iters) / total_iters)
class LinearLR : public LRScheduler {
public:
    LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3.0, double end_factor = 1.0,
             std::int64_t total_iters = 5);
    double lr_at(std::int64_t step) const override;
    std::string type_name() const override { return "LinearLR"; }

private:
    double start_factor_;
    double end_factor_;
    std::int64_t total_iters_;
};

// The 1cycle policy (Smith & Topin): warm up from max_lr / div_factor to max_lr
// over the first pct_start of total_steps, then anneal to
// max_lr / (div_factor * final_div_factor). It sets the optimizer's
// initial_lr itself; call step() once per batch, at most total_steps times
// (PyTorch's limit too). The lr after the last of those calls is the final lr
// (PyTorch extrapolates past the schedule there; no batch uses that value).
// PyTorch's momentum cycling (cycle_momentum) is not implemented: momentum
// stays what the optimizer was given.
struct OneCycleOptions {
    double pct_start = 0.3;
    bool cosine_anneal = true; // false = linear, PyTorch's anneal_strategy="linear"
    double div_factor = 25.0;
    double final_div_factor = 1e4;
    bool three_phase = false;  // anneal back to the initial lr, then to the minimum
};

class OneCycleLR : public LRScheduler {
public:
    OneCycleLR(Optimizer& optimizer, double max_lr, std::int64_t total_steps, OneCycleOptions options = {});
    double lr_at(std::int64_t step) const override;
    std::string type_name() const override { return "OneCycleLR"; }

private:
    struct Phase {
        double end_step;
        double start_lr;
        double end_lr;
    };
    std::int64_t total_steps_;
    bool cosine_anneal_;
    std::vector<Phase> phases_;
};

// Runs `schedulers` one after another: schedulers[i] takes over at
// milestones[i - 1] and counts its own steps from 0 there. The usual use is
// warm-up then decay:
//   auto warmup = std::make_shared<LinearLR>(opt, 0.1, 1.0, 5);
//   auto decay = std::make_shared<CosineAnnealingLR>(opt, 95);
//   SequentialLR schedule(opt, {warmup, decay}, {5});
class SequentialLR : public LRScheduler {
public:
    SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                 std::vector<std::int64_t> milestones);
    double lr_at(std::int64_t step) const override;
    std::string type_name() const override { return "SequentialLR"; }

private:
    std::vector<std::shared_ptr<LRScheduler>> schedulers_;
    std::vector<std::int64_t> milestones_;
};

} // namespace kindling::nn
