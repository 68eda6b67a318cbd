/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The benchmark's measurement framework: variants run paired and
 * interleaved in one process (every repetition runs every variant once, in
 * an order rotated by the repetition), the median of each row over the
 * repetitions, the paired ratio to the section's baseline row, a time and
 * memory budget for sweeps (a size whose estimate from the smaller sizes is
 * over budget is skipped and said so), and the report: a table, CSV and
 * Markdown.  Nothing here knows about IPsec.
 */
#ifndef IPSEC_BENCH_FRAMEWORK_H
#define IPSEC_BENCH_FRAMEWORK_H

#include <chrono>
#include <functional>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{
namespace ipsecbench
{

/**
 * A goal the project wants to reach, printed next to the row with "met" or
 * "missed"; never asserted.
 */
struct Target
{
    /// What the goal bounds.
    enum class Of
    {
        NONE,  ///< no goal
        VALUE, ///< the row's median
        RATIO, ///< the row's ratio to its baseline
    };

    Of of{Of::NONE};  ///< what is bounded
    double max{0};    ///< the bound (inclusive)
    std::string text; ///< how it is printed, e.g. "<= 1.05"

    /**
     * A bound on the ratio.
     * @param max the largest ratio that meets the goal
     * @return the target
     */
    static Target Ratio(double max);
    /**
     * A bound on the median.
     * @param max the largest median that meets the goal
     * @param unit printed after the bound
     * @return the target
     */
    static Target Value(double max, const std::string& unit);
};

/**
 * Thrown by Budget::Check when a sweep's run has taken longer than the
 * budget, or a long loop of it will: the runner skips that size and the
 * larger ones of its sweep.
 */
class BudgetExceeded : public std::runtime_error
{
  public:
    /**
     * @param elapsed how long the run had taken
     * @param estimate what the loop was estimated to take (0: the deadline passed)
     */
    BudgetExceeded(double elapsed, double estimate);
    double elapsed;  ///< how long the run had taken (s)
    double estimate; ///< the loop's estimated duration (s), 0 if the deadline passed
};

/**
 * The deadline of the run in progress (a sweep's first repetition): a
 * sweep's long loops (adding policies, SAs, spokes) report their progress
 * so that a size whose estimate from the smaller sizes was too low still
 * stops, early when the loop's own progress shows it will not end in time.
 */
class Budget
{
  public:
    /**
     * A long loop's progress, @p done of @p total steps (done = 0 starts a
     * loop).  Throws BudgetExceeded when a deadline is set and past, or
     * when the loop, extrapolated by a power law through the time it took
     * to reach two of its checkpoints (1/16, 1/8, 1/4, 1/2 of the way),
     * would end past it.
     * @param done steps done
     * @param total steps in all
     */
    void Check(uint64_t done, uint64_t total) const;

  private:
    friend class Bench;
    bool m_active{false};                                      ///< a deadline is set
    std::chrono::steady_clock::time_point m_start;             ///< the run's start
    std::chrono::steady_clock::time_point m_deadline;          ///< when it is over budget
    double m_budget{0};                                        ///< the budget (s)
    mutable std::chrono::steady_clock::time_point m_loopStart; ///< the loop's start
    mutable int m_checkpoint{0};                               ///< checkpoints passed in this loop
    mutable double m_lastFraction{0}; ///< the last checkpoint passed (fraction of the loop)
    mutable double m_lastSeconds{0};  ///< the loop's time at it
};

/**
 * Times regions of a run: the wall time (std::chrono::steady_clock, what
 * the rows report) and the process's CPU time (CLOCK_PROCESS_CPUTIME_ID),
 * whose ratio says whether the machine took the CPU away meanwhile.
 */
class Stopwatch
{
  public:
    /// Starts a region.
    void Start();
    /**
     * Ends the region started last.
     * @return its wall time in seconds
     */
    double Stop();
    /**
     * The CPU time over the wall time of every region timed so far.
     * @return the share, 1 if nothing was timed
     */
    double CpuShare() const;

  private:
    std::chrono::steady_clock::time_point m_wall0; ///< the region's start
    double m_cpu0{0};                              ///< the CPU time at its start (s)
    double m_wall{0};                              ///< wall time of the regions (s)
    double m_cpu{0};                               ///< CPU time of the regions (s)
};

/// One row a variant produces: what it is, its unit, its baseline, its goal.
struct RowSpec
{
    std::string variant;     ///< row name, e.g. "esp-aes-gcm-16"
    std::string param;       ///< parameters, e.g. "1400 B x 30000"
    std::string unit;        ///< unit of the values, e.g. "us/dgram"
    std::string baseVariant; ///< the baseline row's variant ("" for no ratio)
    std::string baseParam;   ///< the baseline row's param
    Target target;           ///< the project's goal for this row, if any
    /// The row's section when it is not the one RunSection runs (variants
    /// of two sections interleaved; the section must be declared).
    std::string section{};
};

/// What one run of a variant measured.
struct RunOutcome
{
    std::vector<double> values; ///< one per RowSpec of the variant, in order
    bool valid{false};          ///< everything was delivered and counted as expected
    std::string check;          ///< what was checked, with the numbers
    double memoryBytes{0};      ///< heap growth of the run (the memory guard), 0: unknown
    double cpuShare{1};         ///< CPU time / wall time of the timed regions (Stopwatch)
};

/// A variant of a section: its rows and how to run it once.
struct Variant
{
    std::vector<RowSpec> rows;       ///< the rows it produces
    std::function<RunOutcome()> run; ///< one run (builds, runs, destroys its simulation)
    /// Variants of one group are a sweep in increasing size: the budget
    /// guard estimates a size from the smaller ones ("" for no guard).
    std::string group;
    double size{0}; ///< the size in the sweep
};

/// A row of the report: its spec, its samples and what they give.
struct Row
{
    std::string section;         ///< the section's name
    RowSpec spec;                ///< what the row is
    std::vector<double> samples; ///< one per repetition, in repetition order
    std::vector<double> ratios;  ///< paired ratios to the baseline, per repetition
    bool valid{true};            ///< every run was valid
    bool skipped{false};         ///< not run (over budget), see note
    bool derived{false};         ///< computed from other rows' medians, not run
    std::string note;            ///< the check of the last run, or why it was skipped
    double median{std::numeric_limits<double>::quiet_NaN()}; ///< median of samples
    double ratio{std::numeric_limits<double>::quiet_NaN()};  ///< median of ratios

    /**
     * The goal's verdict.
     * @return "met", "missed", "not measured" or "" without a goal
     */
    std::string Status() const;
};

/**
 * The median of @p v (the mean of the two middle values for an even count).
 * @param v the values
 * @return the median, NaN for none
 */
double Median(std::vector<double> v);

/**
 * A value printed with 3 significant digits or more for large values.
 * @param v the value
 * @return the text ("-" for NaN)
 */
std::string FormatNumber(double v);

/**
 * Runs sections and keeps their rows for the report.
 */
class Bench
{
  public:
    /// How variants are run.
    struct Options
    {
        int reps{5};            ///< repetitions of every variant
        double budget{60};      ///< a sweep size estimated to take longer (s) is skipped
        double memoryBudget{0}; ///< a sweep size estimated to grow the heap more (B) is skipped
        bool warmup{true};      ///< one unrecorded run of each section's first variant
        /// A run whose timed regions got less CPU than this share of their
        /// wall time (the machine ran something else) is run again...
        double minCpuShare{0.9};
        int retries{2}; ///< ...at most this many times; the run with the largest share counts
        /// Run only the variants whose first row's "variant (param)" contains
        /// this text ("" for all): to profile one variant; rows without their
        /// baseline have no ratio.
        std::string only;
        /// Called after a run that threw (to destroy a half-built simulation).
        std::function<void()> cleanup;
    };

    /**
     * A runner.
     * @param options repetitions, budgets, warm-up
     */
    explicit Bench(const Options& options);

    /**
     * Declares a section whose rows another section's run produces (see
     * RowSpec::section), for the report's order and title.
     * @param name the section's name
     * @param title printed above it
     */
    void DeclareSection(const std::string& name, const std::string& title);

    /**
     * Runs @p variants paired and interleaved: for repetition r = 0..reps-1
     * every variant once, in the declared order rotated by r (repetition 0
     * in the declared order, which admits the sweep sizes that fit the
     * budget; the others run only those).  Progress goes to stderr.
     * @param name the section's name (the CSV's first column)
     * @param title printed above the section
     * @param variants the variants
     */
    void RunSection(const std::string& name,
                    const std::string& title,
                    const std::vector<Variant>& variants);

    /**
     * The deadline of the run in progress (set for a sweep's first
     * repetition only), for the sections' long loops.
     * @return the budget
     */
    const Budget& GetBudget() const;

    /**
     * Adds a row computed from other rows (no runs of its own).
     * @param row the row (section, spec, median, ratio, valid, note)
     */
    void AddDerived(Row row);

    /**
     * A row by its section, variant and param.
     * @param section the section
     * @param variant the variant
     * @param param the param
     * @return the row or nullptr
     */
    const Row* Find(const std::string& section,
                    const std::string& variant,
                    const std::string& param) const;

    /**
     * Whether any row is invalid.
     * @return true when a run delivered or counted less than expected
     */
    bool AnyInvalid() const;

    /**
     * The readable table.
     * @param os where to print
     */
    void PrintTable(std::ostream& os) const;
    /**
     * CSV: section,variant,param,median,unit,ratio,reps,valid.
     * @param os where to print
     */
    void PrintCsv(std::ostream& os) const;
    /**
     * A Markdown table for the README.
     * @param os where to print
     */
    void PrintMarkdown(std::ostream& os) const;

  private:
    Options m_options;                 ///< how variants run
    Budget m_budget;                   ///< the deadline of the run in progress
    std::vector<Row> m_rows;           ///< every row, in order
    std::vector<std::string> m_titles; ///< "name: title" of each section, in order
};

} // namespace ipsecbench
} // namespace ns3

#endif /* IPSEC_BENCH_FRAMEWORK_H */
