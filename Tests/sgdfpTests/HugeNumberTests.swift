import Foundation
import Testing

/// Every count the tool derives from a number (grid points from a box or a mean, steps from a step size or a
/// learning rate, frames from an output interval, table rows from --to) is checked before it becomes an
/// integer or an allocation: a number too large for the machine gives one `sgdfp: error:` line and exit
/// status 1, never a signal, and no file.
@Suite struct HugeNumberTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let arguments: [String]
        let expected: String
        /// A warning the refusal comes with.
        var warning: String? = nil
        var description: String { name }
    }

    /// In the fixed frame, whose grid is planned from these numbers.
    static let solve = ["solve", "--points", "32", "--stop", "0.2", "--output-every", "0.1", "--planning", "estimate", "-o", "out.h5", "--set", "grid.frame=\"fixed\""]

    static let cases: [Case] = [
        Case(name: "a mean of 1e300", arguments: solve + ["--set", "initial.mean=[1e300, 0.0]"], expected: "million"),
        Case(name: "a noise scale of 1e100", arguments: solve + ["--set", "noise.scale=1e100"], expected: "million"),
        Case(name: "a box of 1e20", arguments: solve + ["--set", "grid.box=[1e20, 1e20]"], expected: "million"),
        Case(name: "a mixture mean of −2⁶³", arguments: solve + ["--set", "initial.kind=\"mixture\"", "--set", "initial.means=[[-9223372036854775808, 0.0]]"],
             expected: "million"),
        Case(name: "a fixed step of 1e-300", arguments: solve + ["--scheme", "lawson-rk4", "--step", "1e-300"], expected: "[time] step"),
        Case(name: "an output interval of 1e-300", arguments: solve + ["--output-every", "1e-300"], expected: "output_every"),
        Case(name: "a learning rate of 1e-9 (a stiff drift: 10⁷ sub-steps per frame)", arguments: ["solve", "--learning-rate", "1e-9", "--stop", "1", "-o", "out.h5", "--set", "grid.frame=\"fixed\""],
             expected: "raise [time] max_work"),
        Case(name: "2001 frames of 64⁴", arguments: ["solve", SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path,
             "--points", "64", "--set", "grid.frame=\"fixed\"", "--set", "output.full_density=true", "--stop", "1000", "--planning", "estimate", "-o", "out.h5"], expected: "max_work"),
        Case(name: "2001 frames of 64⁴ drawn from an adapted frame of 32⁴", arguments: ["solve", SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path,
             "--points", "64", "--set", "grid.frame=\"adapted\"", "--set", "output.full_density=true", "--stop", "1000", "--planning", "estimate", "-o", "out.h5"],
             expected: "max_work"),
        Case(name: "a step limit of 3", arguments: solve + ["--scheme", "lawson-dp54", "--set", "time.max_steps=3"], expected: "raise [time] max_steps"),
        Case(name: "simulate from a mean of 1e300", arguments: ["simulate", "--steps", "10", "--chains", "2", "--set", "initial.mean=[1e300, 0.0]", "-o", "s.h5"],
             expected: "sgdfp: error:"),
        Case(name: "diffusion to 1e20 steps", arguments: ["diffusion", "--to", "1e20", "-q"], expected: "1e15"),
        Case(name: "diffusion to 1e12 steps", arguments: ["diffusion", "--to", "1e12", "-q"], expected: "--checkpoint"),
        Case(name: "diffusion over 10¹⁰ modes", arguments: ["diffusion", "--modes", "10000000000", "-q"], expected: "--modes"),
    ]

    @Test(arguments: cases)
    func refusesWithOneLineAndNoSignal(_ c: Case) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(c.arguments, in: dir)
        #expect(r.status == 1, "\(c.name): status \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
        #expect(lines.count == 1 && r.stderr.contains(c.expected), "\(c.name): \(r.stderr)")
        if let w = c.warning { #expect(r.stderr.contains(w), "\(c.name): \(r.stderr)") }
        #expect(try SGDFPBinary.files(in: dir).filter { $0.hasSuffix(".h5") || $0.contains("partial") }.isEmpty, "left files behind")
    }
}
