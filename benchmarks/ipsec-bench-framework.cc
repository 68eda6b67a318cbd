/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-bench-framework.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <time.h>

namespace ns3
{
namespace ipsecbench
{

namespace
{

using Clock = std::chrono::steady_clock;

double
SecondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string
FormatRatio(double v)
{
    if (std::isnan(v))
    {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f", v);
    return buf;
}

std::string
FormatBound(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

/// The valid column: yes, INVALID or skipped.
std::string
Validity(const Row& r)
{
    if (r.skipped)
    {
        return "skipped";
    }
    return r.valid ? "yes" : "INVALID";
}

/// The median column: the number, INVALID or skipped (the reason is in the note).
std::string
MedianText(const Row& r)
{
    if (r.skipped)
    {
        return "skipped";
    }
    if (!r.valid)
    {
        return "INVALID";
    }
    return FormatNumber(r.median);
}

std::string
CsvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
    {
        return s;
    }
    std::string out = "\"";
    for (char c : s)
    {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string
MarkdownField(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        out += c == '|' ? std::string("\\|") : std::string(1, c);
    }
    return out;
}

/// What a sweep size costs, from the sizes of its group measured before.
struct Estimate
{
    bool known{false}; ///< there was a smaller size to extrapolate from
    double seconds{0}; ///< estimated wall time of one run
    double bytes{0};   ///< estimated heap growth of one run
};

/// A measured size of a sweep: its size, the wall time and heap growth of its first run.
struct Measured
{
    double size;    ///< the size
    double seconds; ///< wall time of the whole run
    double bytes;   ///< heap growth
};

/**
 * Extrapolates the cost of a sweep size from the sizes measured before:
 * the smallest size's cost is taken as fixed (building the topology,
 * running the flow), and the growth above it follows a power law through
 * the last two sizes, its exponent clamped to [1, 3] (cache misses make
 * quadratic insertion steeper than quadratic at large sizes); 1 with only
 * one size beyond the smallest, 2 when the smaller size's growth was lost
 * in the noise of the fixed cost.  With the smallest size alone
 * the whole cost is extrapolated linearly.  The heap growth is extrapolated linearly from the last
 * size.
 */
Estimate
Extrapolate(const std::vector<Measured>& m, double size)
{
    Estimate e;
    if (m.empty() || m.back().size <= 0)
    {
        return e;
    }
    const Measured& b = m.back();
    e.known = true;
    e.bytes = b.bytes * size / b.size;
    if (m.size() < 2)
    {
        e.seconds = b.seconds * size / b.size;
        return e;
    }
    const double fixed = m.front().seconds;
    const double floor = 1e-3;
    const Measured& a = m[m.size() - 2];
    double yb = std::max(floor, b.seconds - fixed);
    double ya = a.seconds - fixed;
    // Two sizes (the fixed cost and one more) give no exponent: linear.  A
    // growth hidden in the noise of the fixed cost gives none either:
    // then assume quadratic.
    double exponent = 1;
    if (m.size() >= 3 && b.size > a.size)
    {
        exponent
            = ya >= std::max(0.05, 0.2 * fixed) ? std::log(yb / ya) / std::log(b.size / a.size) : 2;
    }
    exponent = std::min(3.0, std::max(1.0, exponent));
    e.seconds = fixed + yb * std::pow(size / b.size, exponent);
    return e;
}

} // namespace

BudgetExceeded::BudgetExceeded(double e, double est)
    : std::runtime_error("over budget")
    , elapsed(e)
    , estimate(est)
{
}

void
Budget::Check(uint64_t done, uint64_t total) const
{
    if (!m_active)
    {
        return;
    }
    auto now = Clock::now();
    if (now > m_deadline)
    {
        throw BudgetExceeded(std::chrono::duration<double>(now - m_start).count(), 0);
    }
    if (done == 0)
    {
        m_loopStart = now;
        m_checkpoint = 0;
        return;
    }
    // Checkpoints at 1/16, 1/8, 1/4 and 1/2 of the loop.
    if (m_checkpoint >= 4 || total == 0
        || static_cast<double>(done) < static_cast<double>(total) / (16 >> m_checkpoint))
    {
        return;
    }
    double fraction = static_cast<double>(done) / static_cast<double>(total);
    double seconds = std::chrono::duration<double>(now - m_loopStart).count();
    if (m_checkpoint > 0 && seconds > 0.05 && m_lastSeconds > 0)
    {
        double exponent = std::log(seconds / m_lastSeconds) / std::log(fraction / m_lastFraction);
        exponent = std::min(3.0, std::max(1.0, exponent));
        double loop = seconds * std::pow(1 / fraction, exponent);
        double sofar = std::chrono::duration<double>(m_loopStart - m_start).count();
        if (sofar + loop > m_budget)
        {
            throw BudgetExceeded(std::chrono::duration<double>(now - m_start).count(),
                                 sofar + loop);
        }
    }
    ++m_checkpoint;
    m_lastFraction = fraction;
    m_lastSeconds = seconds;
}

namespace
{

/// The process's CPU time in seconds.
double
ProcessCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// "cpu 97%".
std::string
CpuText(double share)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "cpu %.0f%%", share * 100);
    return buf;
}

} // namespace

void
Stopwatch::Start()
{
    m_cpu0 = ProcessCpuSeconds();
    m_wall0 = Clock::now();
}

double
Stopwatch::Stop()
{
    double wall = SecondsSince(m_wall0);
    m_wall += wall;
    m_cpu += ProcessCpuSeconds() - m_cpu0;
    return wall;
}

double
Stopwatch::CpuShare() const
{
    return m_wall > 0 ? std::min(1.0, m_cpu / m_wall) : 1.0;
}

Target
Target::Ratio(double max)
{
    Target t;
    t.of = Of::RATIO;
    t.max = max;
    t.text = "ratio <= " + FormatBound(max);
    return t;
}

Target
Target::Value(double max, const std::string& unit)
{
    Target t;
    t.of = Of::VALUE;
    t.max = max;
    t.text = "<= " + FormatBound(max) + " " + unit;
    return t;
}

std::string
Row::Status() const
{
    if (spec.target.of == Target::Of::NONE)
    {
        return "";
    }
    double v = spec.target.of == Target::Of::RATIO ? ratio : median;
    if (skipped || !valid || std::isnan(v))
    {
        return "not measured";
    }
    return v <= spec.target.max ? "met" : "missed";
}

double
Median(std::vector<double> v)
{
    if (v.empty())
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string
FormatNumber(double v)
{
    if (std::isnan(v))
    {
        return "-";
    }
    double a = std::fabs(v);
    // Three significant digits, no exponent; whole numbers from 100 up.
    int decimals
        = a == 0 || a >= 100 ? 0 : std::min(9, 2 - static_cast<int>(std::floor(std::log10(a))));
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

Bench::Bench(const Options& options)
    : m_options(options)
{
}

void
Bench::RunSection(const std::string& name,
                  const std::string& title,
                  const std::vector<Variant>& variants)
{
    DeclareSection(name, title);
    const size_t first = m_rows.size();
    std::vector<size_t> firstRow(variants.size());
    for (size_t v = 0; v < variants.size(); ++v)
    {
        firstRow[v] = m_rows.size();
        for (const auto& spec : variants[v].rows)
        {
            Row row;
            row.section = spec.section.empty() ? name : spec.section;
            row.spec = spec;
            m_rows.push_back(row);
        }
    }
    std::vector<bool> skipped(variants.size(), false);
    auto label = [&](size_t v)
    {
        const RowSpec& s = variants[v].rows.front();
        return (s.section.empty() || s.section == name ? "" : s.section + " ") + s.variant
             + (s.param.empty() ? "" : " (" + s.param + ")");
    };
    std::vector<size_t> chosen; // the variants --only leaves
    for (size_t v = 0; v < variants.size(); ++v)
    {
        if (m_options.only.empty() || label(v).find(m_options.only) != std::string::npos)
        {
            chosen.push_back(v);
        }
        else
        {
            skipped[v] = true;
            for (size_t k = 0; k < variants[v].rows.size(); ++k)
            {
                m_rows[firstRow[v] + k].skipped = true;
                m_rows[firstRow[v] + k].note = "not run (--only)";
            }
        }
    }
    // Runs variant v; false when it stopped over budget (*over: after how long).
    auto runOnce = [&](size_t v, RunOutcome* out, double* over, double* overEstimate)
    {
        try
        {
            *out = variants[v].run();
        }
        catch (const BudgetExceeded& e)
        {
            *over = e.elapsed;
            *overEstimate = e.estimate;
            if (m_options.cleanup)
            {
                m_options.cleanup();
            }
            return false;
        }
        catch (const std::exception& e)
        {
            *out = RunOutcome();
            out->check = std::string("error: ") + e.what();
            if (m_options.cleanup)
            {
                m_options.cleanup();
            }
        }
        return true;
    };
    auto skip = [&](size_t v, const std::string& why)
    {
        skipped[v] = true;
        for (size_t k = 0; k < variants[v].rows.size(); ++k)
        {
            m_rows[firstRow[v] + k].skipped = true;
            m_rows[firstRow[v] + k].note = why;
        }
        std::cerr << "[" << name << "] " << label(v) << ": " << why << "\n";
    };

    std::cerr << "[" << name << "] " << title << "\n";
    if (m_options.warmup && !chosen.empty())
    {
        RunOutcome ignored;
        double over = 0;
        double overEstimate = 0;
        auto t0 = Clock::now();
        runOnce(chosen.front(), &ignored, &over, &overEstimate);
        std::cerr << "[" << name << "] warm-up " << label(chosen.front()) << ": "
                  << FormatNumber(SecondsSince(t0)) << " s\n";
    }

    std::map<std::string, std::vector<Measured>> groups;
    std::set<std::string> stopped; // groups where a size ran over budget
    for (int r = 0; r < m_options.reps; ++r)
    {
        for (size_t j = 0; j < variants.size(); ++j)
        {
            size_t v = (j + static_cast<size_t>(r)) % variants.size();
            const Variant& var = variants[v];
            if (skipped[v])
            {
                continue;
            }
            if (r == 0 && !var.group.empty())
            {
                if (stopped.count(var.group))
                {
                    skip(v, "skipped (a smaller size ran over budget)");
                    continue;
                }
                Estimate e = Extrapolate(groups[var.group], var.size);
                if (e.known && e.seconds > m_options.budget)
                {
                    skip(v,
                         "skipped (estimated " + FormatNumber(e.seconds) + " s > budget "
                             + FormatBound(m_options.budget) + " s)");
                    continue;
                }
                if (e.known && m_options.memoryBudget > 0 && e.bytes > m_options.memoryBudget)
                {
                    skip(v,
                         "skipped (estimated " + FormatNumber(e.bytes / 1e9)
                             + " GB > memory budget " + FormatNumber(m_options.memoryBudget / 1e9)
                             + " GB)");
                    continue;
                }
            }
            RunOutcome out;
            double over = 0;
            double overEstimate = 0;
            auto t0 = Clock::now();
            m_budget.m_active = r == 0 && !var.group.empty();
            m_budget.m_start = t0;
            m_budget.m_deadline = t0
                                + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(m_options.budget));
            m_budget.m_budget = m_options.budget;
            bool completed = runOnce(v, &out, &over, &overEstimate);
            m_budget.m_active = false;
            double cost = SecondsSince(t0); // of the first attempt: the sweep's estimates
            // A run the machine took the CPU from is run again; the run
            // with the largest share counts.
            for (int attempt = 0; completed && out.valid && out.cpuShare < m_options.minCpuShare
                                  && attempt < m_options.retries;
                 ++attempt)
            {
                std::cerr << "[" << name << " " << r + 1 << "/" << m_options.reps << "] "
                          << label(v) << ": " << CpuText(out.cpuShare) << ", run again\n";
                RunOutcome again;
                double unused = 0;
                if (runOnce(v, &again, &unused, &unused) && again.valid
                    && again.cpuShare > out.cpuShare)
                {
                    out = again;
                }
            }
            if (!completed)
            {
                stopped.insert(var.group);
                skip(v,
                     "skipped (stopped after " + FormatNumber(over) + " s: "
                         + (overEstimate > 0 ? "estimated " + FormatNumber(overEstimate) + " s"
                                             : std::string("over"))
                         + " > budget " + FormatBound(m_options.budget) + " s)");
                continue;
            }
            if (r == 0 && !var.group.empty())
            {
                groups[var.group].push_back({var.size, cost, out.memoryBytes});
            }
            for (size_t k = 0; k < var.rows.size(); ++k)
            {
                Row& row = m_rows[firstRow[v] + k];
                double value = k < out.values.size() ? out.values[k]
                                                     : std::numeric_limits<double>::quiet_NaN();
                row.samples.resize(static_cast<size_t>(r) + 1,
                                   std::numeric_limits<double>::quiet_NaN());
                row.samples[r] = value;
                if (!out.valid || k >= out.values.size())
                {
                    if (row.valid)
                    {
                        row.note = out.check; // the first failing run says why
                    }
                    row.valid = false;
                }
                else if (row.valid)
                {
                    row.note = out.check + ", " + CpuText(out.cpuShare);
                }
            }
            std::cerr << "[" << name << " " << r + 1 << "/" << m_options.reps << "] " << label(v)
                      << ": " << (out.valid ? "" : "INVALID, ") << FormatNumber(cost) << " s\n";
        }
    }

    for (size_t i = first; i < m_rows.size(); ++i)
    {
        Row& row = m_rows[i];
        std::vector<double> finite;
        for (double s : row.samples)
        {
            if (!std::isnan(s))
            {
                finite.push_back(s);
            }
        }
        row.median = Median(finite);
        if (row.spec.baseVariant.empty())
        {
            continue;
        }
        const Row* base = nullptr;
        for (size_t j = first; j < m_rows.size(); ++j)
        {
            if (m_rows[j].section == row.section && m_rows[j].spec.variant == row.spec.baseVariant
                && m_rows[j].spec.param == row.spec.baseParam)
            {
                base = &m_rows[j];
            }
        }
        if (base == nullptr)
        {
            continue;
        }
        for (size_t r = 0; r < row.samples.size() && r < base->samples.size(); ++r)
        {
            if (!std::isnan(row.samples[r]) && !std::isnan(base->samples[r])
                && base->samples[r] != 0)
            {
                row.ratios.push_back(row.samples[r] / base->samples[r]);
            }
        }
        row.ratio = Median(row.ratios);
    }
}

void
Bench::DeclareSection(const std::string& name, const std::string& title)
{
    for (const auto& t : m_titles)
    {
        if (t.rfind(name + ": ", 0) == 0)
        {
            return;
        }
    }
    m_titles.push_back(name + ": " + title);
}

const Budget&
Bench::GetBudget() const
{
    return m_budget;
}

void
Bench::AddDerived(Row row)
{
    row.derived = true;
    DeclareSection(row.section, "derived from the sections above");
    m_rows.push_back(row);
}

const Row*
Bench::Find(const std::string& section, const std::string& variant, const std::string& param) const
{
    for (const auto& r : m_rows)
    {
        if (r.section == section && r.spec.variant == variant && r.spec.param == param)
        {
            return &r;
        }
    }
    return nullptr;
}

bool
Bench::AnyInvalid() const
{
    for (const auto& r : m_rows)
    {
        if (!r.skipped && !r.valid)
        {
            return true;
        }
    }
    return false;
}

void
Bench::PrintTable(std::ostream& os) const
{
    for (const auto& title : m_titles)
    {
        std::string section = title.substr(0, title.find(": "));
        std::vector<std::vector<std::string>> cells;
        cells.push_back(
            {"variant", "param", "median", "unit", "ratio", "target", "status", "reps", "checked"});
        for (const auto& r : m_rows)
        {
            if (r.section != section)
            {
                continue;
            }
            cells.push_back({r.spec.variant,
                             r.spec.param,
                             MedianText(r),
                             r.spec.unit,
                             FormatRatio(r.ratio),
                             r.spec.target.text,
                             r.Status(),
                             std::to_string(r.samples.size()),
                             r.note});
        }
        std::vector<size_t> width(cells.front().size(), 0);
        for (const auto& line : cells)
        {
            for (size_t c = 0; c + 1 < line.size(); ++c)
            {
                width[c] = std::max(width[c], line[c].size());
            }
        }
        os << "\n== " << title << "\n";
        for (const auto& line : cells)
        {
            for (size_t c = 0; c < line.size(); ++c)
            {
                bool number = c == 2 || c == 4 || c == 7;
                if (c + 1 == line.size())
                {
                    os << line[c];
                }
                else if (number)
                {
                    os << std::right << std::setw(static_cast<int>(width[c])) << line[c] << "  ";
                }
                else
                {
                    os << std::left << std::setw(static_cast<int>(width[c])) << line[c] << "  ";
                }
            }
            os << "\n";
        }
    }
}

void
Bench::PrintCsv(std::ostream& os) const
{
    os << "section,variant,param,median,unit,ratio,reps,valid\n";
    for (const auto& r : m_rows)
    {
        std::string median = r.skipped || std::isnan(r.median) ? "" : FormatNumber(r.median);
        std::string ratio = std::isnan(r.ratio) ? "" : FormatRatio(r.ratio);
        os << CsvField(r.section) << "," << CsvField(r.spec.variant) << ","
           << CsvField(r.spec.param) << "," << median << "," << CsvField(r.spec.unit) << ","
           << ratio << "," << r.samples.size() << "," << Validity(r) << "\n";
    }
}

void
Bench::PrintMarkdown(std::ostream& os) const
{
    os << "| section | variant | param | median | unit | ratio | target | checked |\n";
    os << "| --- | --- | --- | ---: | --- | ---: | --- | --- |\n";
    for (const auto& r : m_rows)
    {
        std::string target
            = r.spec.target.text.empty() ? "" : r.spec.target.text + ": " + r.Status();
        os << "| " << r.section << " | " << MarkdownField(r.spec.variant) << " | "
           << MarkdownField(r.spec.param) << " | " << MarkdownField(MedianText(r)) << " | "
           << r.spec.unit << " | " << FormatRatio(r.ratio) << " | " << target << " | "
           << MarkdownField(r.note) << " |\n";
    }
}

} // namespace ipsecbench
} // namespace ns3
