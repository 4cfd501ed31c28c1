import Foundation
import PhaseSpaceIO

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sgdfp-io-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic, irregular test values: exact round trips must not depend on special numbers.
func sampleValues(count: Int, seed: Double) -> [Double] {
    (0..<count).map { i -> Double in
        let x = Double(i)
        let decay: Double = exp(-Double(i % 7) / 3)
        return sin(x * 0.731 + seed) * decay + seed / 10
    }
}

/// A run file's contents as the tests write them, so that reading back can compare against it.
struct SampleRun {
    let layout: RunOutputLayout
    let frames: [SampleFrame]

    struct SampleFrame {
        let time, mass, minDensity, negativeMass, stepSize: Double
        let mean, covariance, density, exactDensity, exactMean, exactCovariance: [Double]
        let marginals, exactMarginals: [String: [Double]]
    }

    static let title = "SGD with momentum: η = 0.1, β = 0.9"  // non-ASCII on purpose: stored as UTF-8

    /// d = 1: theta × v = 6 × 5. d = 2: theta1 × theta2 × v1 × v2 = 3 × 4 × 5 × 6.
    static func make(d: Int, frames frameCount: Int = 3, fullDensity: Bool = true, exact: Bool = true) -> SampleRun {
        let names = d == 1 ? ["theta", "v"] : ["theta1", "theta2", "v1", "v2"]
        let sizes = d == 1 ? [6, 5] : [3, 4, 5, 6]
        let axes = zip(names, sizes).enumerated().map { index, pair in
            PhaseSpaceAxis(name: pair.0,
                           longName: pair.0.hasPrefix("theta") ? "parameter \(pair.0) minus regularised minimum" : "velocity \(pair.0)",
                           units: "1",
                           values: (0..<pair.1).map { -1.5 + 3.0 * Double($0) / Double(pair.1) + 0.01 * Double(index) })
        }
        let layout = RunOutputLayout(
            axes: axes, writeFullDensity: fullDensity, writeMarginals: true, hasExactSolution: exact,
            rootAttributes: [
                "title": .text(title),
                "source": .text("sgdfp test"),
                "history": .text("written by PhaseSpaceIOTests"),
                "configuration": .text("[sgd]\nlearning_rate = 0.1\nmomentum = 0.9\n"),
                "fftw_version": .text("fftw-3.3.10"),
                "learning_rate": .double(0.1),
                "hessian": .doubles([1.0, 0.5, 0.5, 2.0]),
                "seed": .int(42),
            ])
        let n = axes.count
        let points = sizes.reduce(1, *)
        let frames = (0..<frameCount).map { k -> SampleFrame in
            let s = Double(k) + 0.5
            var marginals: [String: [Double]] = [:]
            var exactMarginals: [String: [Double]] = [:]
            for (offset, key) in layout.marginalKeys.enumerated() {
                let (i, j) = layout.marginalPairs[offset]
                marginals[key] = sampleValues(count: sizes[i] * sizes[j], seed: s + Double(offset))
                exactMarginals[key] = sampleValues(count: sizes[i] * sizes[j], seed: -s - Double(offset))
            }
            return SampleFrame(
                time: 0.25 * Double(k), mass: 1 - 1e-14 * Double(k), minDensity: -1e-9 * s, negativeMass: 2e-12 * s,
                stepSize: 0.01 / s,
                mean: sampleValues(count: n, seed: s + 0.1), covariance: sampleValues(count: n * n, seed: s + 0.2),
                density: sampleValues(count: points, seed: s + 0.3), exactDensity: sampleValues(count: points, seed: s + 0.4),
                exactMean: sampleValues(count: n, seed: s + 0.5), exactCovariance: sampleValues(count: n * n, seed: s + 0.6),
                marginals: marginals, exactMarginals: exactMarginals)
        }
        return SampleRun(layout: layout, frames: frames)
    }

    /// Writes the run through `RunOutputWriter`.
    func write(to path: String) throws {
        let writer = try RunOutputWriter(path: path, layout: layout)
        for f in frames {
            try f.density.withUnsafeBufferPointer { density in
                try f.exactDensity.withUnsafeBufferPointer { exactDensity in
                    try writer.append(RunFrame(
                        time: f.time, mass: f.mass, minDensity: f.minDensity, negativeMass: f.negativeMass,
                        stepSize: f.stepSize, mean: f.mean, covariance: f.covariance,
                        density: layout.writeFullDensity ? density : nil, marginals: f.marginals,
                        exactDensity: layout.hasExactSolution && layout.writeFullDensity ? exactDensity : nil,
                        exactMarginals: layout.hasExactSolution ? f.exactMarginals : [:],
                        exactMean: layout.hasExactSolution ? f.exactMean : nil,
                        exactCovariance: layout.hasExactSolution ? f.exactCovariance : nil, l1Error: 1e-10 * f.stepSize))
                }
            }
        }
        try writer.setSummary(["wall_time_seconds": .double(0.125), "status": .text("finished")])
        try writer.close()
    }

    /// Every variable the file should hold: dims and flat values, as written.
    var expectedVariables: [(name: String, dims: [String], values: [Double])] {
        let names = layout.axes.map(\.name)
        let n = names.count
        var result: [(String, [String], [Double])] = layout.axes.map { ($0.name, [$0.name], $0.values) }
        result.append(("t", ["t"], frames.map(\.time)))
        result.append(("component", ["component"], (0..<n).map(Double.init)))
        result.append(("component_b", ["component_b"], (0..<n).map(Double.init)))
        result.append(("mass", ["t"], frames.map(\.mass)))
        result.append(("min_density", ["t"], frames.map(\.minDensity)))
        result.append(("negative_mass", ["t"], frames.map(\.negativeMass)))
        result.append(("step_size", ["t"], frames.map(\.stepSize)))
        result.append(("mean", ["t", "component"], frames.flatMap(\.mean)))
        result.append(("covariance", ["t", "component", "component_b"], frames.flatMap(\.covariance)))
        if layout.writeFullDensity {
            result.append(("density", ["t"] + names, frames.flatMap(\.density)))
        }
        for (offset, key) in layout.marginalKeys.enumerated() {
            let (i, j) = layout.marginalPairs[offset]
            result.append(("density_\(key)", ["t", names[i], names[j]], frames.flatMap { $0.marginals[key]! }))
        }
        if layout.hasExactSolution {
            if layout.writeFullDensity {
                result.append(("exact_density", ["t"] + names, frames.flatMap(\.exactDensity)))
            }
            for (offset, key) in layout.marginalKeys.enumerated() {
                let (i, j) = layout.marginalPairs[offset]
                result.append(("exact_density_\(key)", ["t", names[i], names[j]], frames.flatMap { $0.exactMarginals[key]! }))
            }
            result.append(("exact_mean", ["t", "component"], frames.flatMap(\.exactMean)))
            result.append(("exact_covariance", ["t", "component", "component_b"], frames.flatMap(\.exactCovariance)))
            result.append(("relative_l1_error", ["t"], frames.map { 1e-10 * $0.stepSize }))
        }
        return result
    }

    /// The expectations in the JSON form that scripts/check_netcdf.py reads. Doubles are printed with
    /// Swift's shortest round-trip representation, which Python parses back to the same double.
    var expectationJSON: String {
        var dimensions = layout.axes.map { "\(json($0.name)): \($0.values.count)" }
        dimensions.append("\"t\": \(frames.count)")
        dimensions.append("\"component\": \(layout.axes.count)")
        dimensions.append("\"component_b\": \(layout.axes.count)")
        var root = ["\"Conventions\": \"CF-1.10\""]
        for (name, value) in layout.rootAttributes.sorted(by: { $0.key < $1.key }) {
            root.append("\(json(name)): \(json(value))")
        }
        root.append("\"status\": \"finished\"")
        root.append("\"wall_time_seconds\": 0.125")
        let variables = expectedVariables.map { v in
            let attributes = v.name == "component" ? ", \"attributes\": {\"units\": \"1\", \"flag_meanings\": \(json(layout.axes.map(\.name).joined(separator: " ")))}"
                : v.name == "t" ? ", \"attributes\": {\"units\": \"1\", \"long_name\": \"time t\"}"
                : ""
            return "\(json(v.name)): {\"dims\": [\(v.dims.map(json).joined(separator: ", "))], \"values\": [\(v.values.map { "\($0)" }.joined(separator: ", "))]\(attributes)}"
        }
        return """
        {"root_attributes": {\(root.joined(separator: ", "))},
         "dimensions": {\(dimensions.joined(separator: ", "))},
         "unlimited": ["t"],
         "variables": {\(variables.joined(separator: ",\n  "))}}

        """
    }
}

/// A JSON string literal.
func json(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

func json(_ value: AttributeValue) -> String {
    switch value {
    case .text(let s): return json(s)
    case .double(let x): return "\(x)"
    case .doubles(let xs): return "[\(xs.map { "\($0)" }.joined(separator: ", "))]"
    case .int(let i): return "\(i)"
    }
}

/// The result of running a command.
struct CommandResult {
    let status: Int32
    let output: String
    let error: String
}

/// Runs a command with its output in files (no pipe can fill up and block).
func run(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> CommandResult {
    let outPath = directory.file(".stdout-\(UUID().uuidString)")
    let errPath = directory.file(".stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return CommandResult(status: process.terminationStatus,
                         output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                         error: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// The full path of a program on PATH, or nil.
func executablePath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
