/// Writes a run file: coordinates, time series, moments and densities, one time record per `append`.
///
/// Every record is flushed when appended, so a reader (or a crash) sees whole records only. Write to
/// `AtomicOutput.temporaryPath` and commit after `close()` to never leave a half-written file.
public final class RunOutputWriter {
    /// The layout the file was created with.
    public let layout: RunOutputLayout
    /// The underlying file, for variables beyond the standard layout (analysis products ...).
    public let file: NetCDFFile
    private var recordCount = 0

    /// Creates the file (it must not exist), defines every variable of the layout and writes the
    /// coordinates and root attributes (`Conventions = "CF-1.10"`, `hdf5_version` and the layout's
    /// attributes).
    public init(path: String, layout: RunOutputLayout) throws {
        try Self.validate(layout)
        self.layout = layout
        file = try NetCDFFile.create(at: path)
        do {
            try file.setAttribute("Conventions", .text("CF-1.10"))
            try file.setAttribute("hdf5_version", .text(H5.libraryVersion))
            try defineEverything()
        } catch {
            try? file.close()
            throw error
        }
    }

    /// Defines the layout in a file that `OutputFile` created (and stamped with the common root
    /// attributes); the layout's own root attributes are added. The caller closes the file.
    public init(file: NetCDFFile, layout: RunOutputLayout) throws {
        try Self.validate(layout)
        self.layout = layout
        self.file = file
        try defineEverything()
    }

    /// Continues a file that `RunOutputWriter` wrote (opened with `NetCDFFile.openForAppending`) after its
    /// first `records` time records, dropping any beyond them.
    public init(resuming file: NetCDFFile, layout: RunOutputLayout, records: Int) throws {
        try Self.validate(layout)
        self.layout = layout
        self.file = file
        try file.truncateRecords(to: records)
        recordCount = records
    }

    /// Appends one time record to every time-dependent variable and flushes. The frame is checked
    /// whole before anything is written.
    public func append(_ frame: RunFrame) throws {
        try check(frame)
        let index = recordCount
        try file.appendTime(frame.time)
        for (name, value) in [(RunVariable.mass, frame.mass), (RunVariable.minDensity, frame.minDensity),
                              (RunVariable.negativeMass, frame.negativeMass), (RunVariable.stepSize, frame.stepSize)] {
            try file.writeRecord(name, index: index, values: [value])
        }
        try file.writeRecord(RunVariable.mean, index: index, values: frame.mean)
        try file.writeRecord(RunVariable.covariance, index: index, values: frame.covariance)
        if layout.writeFullDensity, let density = frame.density {
            try file.writeRecord(RunVariable.density, index: index, values: density)
        }
        for key in layout.marginalKeys {
            try file.writeRecord(RunVariable.marginal(key), index: index, values: frame.marginals[key]!)
        }
        if layout.hasExactSolution {
            if layout.writesExactFullDensity, let exact = frame.exactDensity {
                try file.writeRecord(RunVariable.exactDensity, index: index, values: exact)
            }
            for key in layout.marginalKeys {
                try file.writeRecord(RunVariable.exactMarginal(key), index: index, values: frame.exactMarginals[key]!)
            }
        }
        if layout.writesExactMoments {
            try file.writeRecord(RunVariable.exactMean, index: index, values: frame.exactMean!)
            try file.writeRecord(RunVariable.exactCovariance, index: index, values: frame.exactCovariance!)
        }
        if layout.hasExactSolution {
            try file.writeRecord(RunVariable.relativeL1Error, index: index, values: [frame.l1Error ?? .nan])
        }
        if layout.writesNextStep {
            try file.writeRecord(RunVariable.nextStepSize, index: index, values: [frame.nextStep ?? .nan])
        }
        if layout.writesFrame {
            try file.writeRecord(RunVariable.frameMean, index: index, values: frame.frameMean!)
            try file.writeRecord(RunVariable.frameFactor, index: index, values: frame.frameFactor!)
        }
        recordCount += 1
        try file.flush()
    }

    /// Sets root attributes at the end of a run (wall time, final residuals ...); replaces attributes of
    /// the same name.
    public func setSummary(_ attributes: [String: AttributeValue]) throws {
        for name in NetCDFFile.orderedNames(attributes.keys) {
            try file.setAttribute(name, attributes[name]!)
        }
    }

    /// Writes a fixed (not time-dependent) float64 variable over the run's dimensions, e.g.
    /// `stationary_density(theta, v)`, with its `long_name` and `units`.
    public func writeField(_ name: String, dimensions: [String], values: UnsafeBufferPointer<Double>,
                           longName: String, units: String, attributes: [String: AttributeValue] = [:]) throws {
        var all = attributes
        all["long_name"] = .text(longName)
        all["units"] = .text(units)
        let big = values.count >= 4096
        try file.defineVariable(name, dimensions: dimensions, attributes: all, compress: big)
        try file.write(name, values: values)
    }

    /// Writes a fixed float64 variable from an array; see `writeField(_:dimensions:values:longName:units:attributes:)`.
    public func writeField(_ name: String, dimensions: [String], values: [Double],
                           longName: String, units: String, attributes: [String: AttributeValue] = [:]) throws {
        try values.withUnsafeBufferPointer {
            try writeField(name, dimensions: dimensions, values: $0, longName: longName, units: units, attributes: attributes)
        }
    }

    /// The state an adapted-frame run continues from: q(y) on the frame grid at the latest frame (its `time`
    /// attribute), with the frame's own coordinates `frame_y1` … as dimensions (x = frame_mean + frame_factor · y
    /// at that time). Written after every frame, in place and uncompressed, so that a killed run can resume.
    public func writeFrameState(coordinates: [[Double]], values: UnsafeBufferPointer<Double>, time: Double) throws {
        let names = coordinates.indices.map(RunVariable.frameCoordinate)
        if file.variableNames.contains(RunVariable.frameDensity) {
            try file.write(RunVariable.frameDensity, values: values)
            try file.setAttribute("time", .double(time), on: RunVariable.frameDensity)
            return try file.flush()
        }
        for (i, name) in names.enumerated() {
            try file.defineDimension(name, coordinates: coordinates[i], attributes: [
                "long_name": .text("adapted-frame coordinate y\(i + 1) at the last time"), "units": .text("1"),
                "comment": .text("x = frame_mean + frame_factor · y at the last record; units of the law's standard deviations"),
            ])
        }
        try file.defineVariable(RunVariable.frameDensity, dimensions: names, attributes: [
            "long_name": .text("density of the latest frame in adapted-frame coordinates, |det L| p(frame_mean + L y)"), "units": .text("1"),
            "time": .double(time),
        ])
        try file.write(RunVariable.frameDensity, values: values)
        try file.flush()
    }

    /// The number of frames appended so far.
    public var frameCount: Int { recordCount }

    /// Closes the file; calling it again does nothing.
    public func close() throws { try file.close() }

    // MARK: Layout

    private static func validate(_ layout: RunOutputLayout) throws {
        let names = layout.axes.map(\.name)
        guard names.count == 2 || names.count == 4 else {
            throw PhaseSpaceIOError(.invalidArgument, "A run file needs 2 axes (theta, v) or 4 axes (theta1, theta2, v1, v2) but got \(names.count); pass the phase-space axes in that order.")
        }
        guard Set(names).count == names.count else {
            throw PhaseSpaceIOError(.invalidArgument, "Axis names \(names) repeat a name; give every axis its own name.")
        }
        let reserved: Set<String> = [RunVariable.time, RunVariable.component, RunVariable.componentB]
        if let bad = names.first(where: { reserved.contains($0) }) {
            throw PhaseSpaceIOError(.invalidArgument, "Axis name \(bad) is reserved for another dimension of the run file; rename the axis.")
        }
        if let empty = layout.axes.first(where: { $0.values.isEmpty }) {
            throw PhaseSpaceIOError(.invalidArgument, "Axis \(empty.name) has no grid points; give every axis at least one coordinate.")
        }
    }

    private var axisNames: [String] { layout.axes.map(\.name) }

    private func defineEverything() throws {
        let root = layout.rootAttributes
        for name in NetCDFFile.orderedNames(root.keys) {
            try file.setAttribute(name, root[name]!)
        }

        for axis in layout.axes {
            try file.defineDimension(axis.name, coordinates: axis.values, attributes: ["long_name": .text(axis.longName), "units": .text(axis.units)]
                                        .merging(axis.description.map { ["description": .text($0)] } ?? [:]) { $1 })
        }
        try file.defineTimeDimension(attributes: RunVariable.timeAttributes)
        let labels = axisNames
        let listed = labels.joined(separator: ", ")
        try file.defineIndexDimension(RunVariable.component, labels: labels,
                                      attributes: ["long_name": .text("phase-space component (\(listed))")])
        try file.defineIndexDimension(RunVariable.componentB, labels: labels,
                                      attributes: ["long_name": .text("phase-space component (\(listed)), second index of covariances")])

        let time = RunVariable.time
        let densityUnits = Self.inverseUnits(layout.axes.map(\.units))
        try series(RunVariable.mass, "total probability mass (integral of the density)", "1")
        try series(RunVariable.minDensity, "minimum of the density over the grid", densityUnits)
        try series(RunVariable.negativeMass, "integral of the negative part of the density", "1")
        try series(RunVariable.stepSize, "time step of the solver", "1")
        let (meanUnits, covarianceUnits, unitComment) = momentUnits()
        try define(RunVariable.mean, [time, RunVariable.component], "mean of the phase-space density", meanUnits, comment: unitComment)
        try define(RunVariable.covariance, [time, RunVariable.component, RunVariable.componentB],
                   "covariance of the phase-space density", covarianceUnits, comment: unitComment)
        let densityName = "probability density p(\(listed), t)"
        if layout.writeFullDensity {
            try define(RunVariable.density, [time] + labels, "phase-space \(densityName)", densityUnits, compress: true)
        }
        for (i, j) in layout.writeMarginals ? layout.marginalPairs : [] {
            let a = layout.axes[i], b = layout.axes[j]
            try define(RunVariable.marginal("\(a.name)_\(b.name)"), [time, a.name, b.name],
                       "marginal probability density of (\(a.name), \(b.name))", Self.inverseUnits([a.units, b.units]), compress: true)
        }
        if layout.hasExactSolution {
            if layout.writesExactFullDensity {
                try define(RunVariable.exactDensity, [time] + labels, "exact phase-space \(densityName)", densityUnits, compress: true)
            }
            for (i, j) in layout.writeMarginals ? layout.marginalPairs : [] {
                let a = layout.axes[i], b = layout.axes[j]
                try define(RunVariable.exactMarginal("\(a.name)_\(b.name)"), [time, a.name, b.name],
                           "exact marginal probability density of (\(a.name), \(b.name))", Self.inverseUnits([a.units, b.units]), compress: true)
            }
        }
        if layout.writesExactMoments {
            try define(RunVariable.exactMean, [time, RunVariable.component], "exact mean of the phase-space density", meanUnits, comment: unitComment)
            try define(RunVariable.exactCovariance, [time, RunVariable.component, RunVariable.componentB],
                       "exact covariance of the phase-space density", covarianceUnits, comment: unitComment)
        }
        if layout.hasExactSolution {
            try series(RunVariable.relativeL1Error, "relative L1 distance of the density to the exact density", "1")
        }
        if layout.writesNextStep {
            try series(RunVariable.nextStepSize, "step the adaptive controller proposes after this frame", "1")
        }
        if layout.writesFrame {
            try define(RunVariable.frameMean, [time, RunVariable.component], "mean of the adapted frame", meanUnits, comment: unitComment)
            try define(RunVariable.frameFactor, [time, RunVariable.component, RunVariable.componentB],
                       "factor L of the adapted frame: x = frame_mean + L y, with the solver's grid in y", meanUnits, comment: unitComment)
        }
        try file.flush()
    }

    private func series(_ name: String, _ longName: String, _ units: String) throws {
        try define(name, [RunVariable.time], longName, units)
    }

    private func define(_ name: String, _ dimensions: [String], _ longName: String, _ units: String,
                        comment: String? = nil, compress: Bool = false) throws {
        var attributes: [String: AttributeValue] = ["long_name": .text(longName), "units": .text(units)]
        if let comment { attributes["comment"] = .text(comment) }
        try file.defineVariable(name, dimensions: dimensions, attributes: attributes, compress: compress)
    }

    /// Units of means and covariances: those of the axes when all axes share them; otherwise "1" with a
    /// comment, since one variable cannot carry per-component units.
    private func momentUnits() -> (String, String, String?) {
        let units = Set(layout.axes.map(\.units))
        if units.count == 1, let u = units.first {
            return (u, u == "1" ? "1" : Self.power(u, 2), nil)
        }
        let listed = layout.axes.map { "\($0.name) [\($0.units)]" }.joined(separator: ", ")
        return ("1", "1", "each component has the units of its axis: \(listed)")
    }

    /// UDUNITS-style reciprocal of a product of units, "1" when all are dimensionless.
    static func inverseUnits(_ units: [String]) -> String {
        let dimensional = units.filter { $0 != "1" }
        guard !dimensional.isEmpty else { return "1" }
        return dimensional.map { power($0, -1) }.joined(separator: " ")
    }

    private static func power(_ unit: String, _ exponent: Int) -> String {
        let simple = unit.allSatisfy { $0.isLetter }
        return simple ? "\(unit)\(exponent)" : "(\(unit))\(exponent)"
    }

    private func check(_ frame: RunFrame) throws {
        let n = layout.axes.count
        func fail(_ message: String) -> PhaseSpaceIOError { PhaseSpaceIOError(.invalidArgument, message) }
        guard frame.mean.count == n else {
            throw fail("Frame at t = \(frame.time) has a mean of length \(frame.mean.count); pass \(n) values, one per axis.")
        }
        guard frame.covariance.count == n * n else {
            throw fail("Frame at t = \(frame.time) has a covariance of \(frame.covariance.count) values; pass \(n * n) (row-major \(n)x\(n)).")
        }
        let points = layout.axes.reduce(1) { $0 * $1.values.count }
        if layout.writeFullDensity {
            guard let density = frame.density else {
                throw fail("Frame at t = \(frame.time) has no density but the layout writes the full density; pass it or set writeFullDensity to false.")
            }
            guard density.count == points else {
                throw fail("Frame at t = \(frame.time) has a density of \(density.count) values; pass \(points), one per grid point.")
            }
        }
        let keys = layout.marginalKeys
        try checkMarginals(frame.marginals, keys: keys, what: "marginal", time: frame.time)
        if layout.hasExactSolution {
            if layout.writesExactFullDensity {
                guard let exact = frame.exactDensity, exact.count == points else {
                    throw fail("Frame at t = \(frame.time) lacks an exact density of \(points) values; pass it or set hasExactSolution to false.")
                }
            }
            try checkMarginals(frame.exactMarginals, keys: keys, what: "exact marginal", time: frame.time)
        }
        if layout.writesExactMoments {
            guard frame.exactMean?.count == n, frame.exactCovariance?.count == n * n else {
                throw fail("Frame at t = \(frame.time) lacks an exact mean of \(n) and an exact covariance of \(n * n) values; pass them or turn off the exact solution in the layout.")
            }
        }
        if layout.writesFrame, frame.frameMean?.count != n || frame.frameFactor?.count != n * n {
            throw fail("Frame at t = \(frame.time) lacks the adapted frame's mean of \(n) and factor of \(n * n) values; pass them or set writesFrame to false.")
        }
    }

    private func checkMarginals(_ marginals: [String: [Double]], keys: [String], what: String, time: Double) throws {
        if let unknown = marginals.keys.sorted().first(where: { !keys.contains($0) }) {
            throw PhaseSpaceIOError(.invalidArgument, "Frame at t = \(time) has a \(what) \"\(unknown)\" that the layout does not write; use one of \(keys) or none.")
        }
        for key in keys {
            let parts = layout.marginalPairs.first { "\(layout.axes[$0.0].name)_\(layout.axes[$0.1].name)" == key }!
            let expected = layout.axes[parts.0].values.count * layout.axes[parts.1].values.count
            guard let values = marginals[key], values.count == expected else {
                throw PhaseSpaceIOError(.invalidArgument, "Frame at t = \(time) lacks the \(what) \(key) of \(expected) values; pass every marginal of the layout.")
            }
        }
    }
}
