import CSV
import Foundation
import LangevinModel

/// A linear-regression data set: N feature rows x_i ∈ ℝ^d and targets y_i, with the loss
/// L(θ) = (1/2N) Σ (x_iᵀθ − y_i)² = ½(θ − μ)ᵀH(θ − μ) + const and per-sample gradients x_i(x_iᵀθ − y_i).
public struct RegressionData: Sendable {
    /// Row-major N×d.
    public let features: [Double]
    public let targets: [Double]
    public let count: Int
    public let dimension: Int

    public init(features: [Double], targets: [Double], dimension: Int) throws(DataError) {
        guard dimension > 0, features.count == targets.count * dimension else {
            throw .shape("there are \(features.count) feature values for \(targets.count) targets and \(dimension) features")
        }
        guard targets.count > dimension else { throw .tooFewSamples(samples: targets.count, features: dimension) }
        guard features.allSatisfy(\.isFinite), targets.allSatisfy(\.isFinite) else { throw .notFinite }
        // Products of two values (XᵀX, Xᵀy, residuals squared) must stay finite.
        if let big = (features + targets).first(where: { abs($0) >= 1e150 }) { throw .tooLarge(big) }
        self.features = features
        self.targets = targets
        self.count = targets.count
        self.dimension = dimension
    }

    /// A synthetic Gaussian design: x_i ~ N(0, H), y_i = x_iᵀμ + ε_i with ε_i ~ N(0, σ_ε²) (physics.md §4).
    public static func gaussianDesign(samples n: Int, hessian: Matrix, teacher: [Double], labelNoise: Double, seed: UInt64) throws(DataError) -> RegressionData {
        let d = hessian.rows
        let root = ModelNoiseGradient.squareRoot(hessian)
        var rng = RandomSource(seed: seed, stream: 0xDA7A)
        var x = [Double](repeating: 0, count: n * d), y = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { z[j] = rng.normal() }
            var target = labelNoise.squareRoot() * rng.normal()
            for a in 0..<d {
                var s = 0.0
                for b in 0..<d { s += root[a * d + b] * z[b] }
                x[i * d + a] = s
                target += s * teacher[a]
            }
            y[i] = target
        }
        return try RegressionData(features: x, targets: y, dimension: d)
    }

    /// Reads a CSV file of numbers, one sample per row, the target in the last column; a first row that
    /// is not numeric is taken as a header.
    public static func load(csv path: String) throws(DataError) -> RegressionData {
        guard let stream = InputStream(fileAtPath: path), FileManager.default.fileExists(atPath: path) else { throw .unreadable(path) }
        let reader: CSVReader
        do { reader = try CSVReader(stream: stream) } catch { throw .unreadable(path) }
        var rows: [[Double]] = []
        var line = 0
        while let row = reader.next() {
            line += 1
            let fields = row.map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.allSatisfy(\.isEmpty) { continue }
            let numbers = fields.map { Double($0) }
            if numbers.contains(where: { $0 == nil }) {
                if rows.isEmpty && line == 1 { continue }   // header
                throw .notNumeric(path: path, line: line)
            }
            rows.append(numbers.map { $0! })
        }
        guard let width = rows.first?.count, width >= 2 else { throw .shape("\(path) needs at least two columns (features, then the target)") }
        if let bad = rows.firstIndex(where: { $0.count != width }) {
            throw .shape("row \(bad + 1) of the data in \(path) has \(rows[bad].count) columns instead of \(width)")
        }
        return try RegressionData(features: rows.flatMap { $0.dropLast() }, targets: rows.map { $0.last! }, dimension: width - 1)
    }

    /// H = XᵀX/N.
    public var hessian: Matrix {
        var h = Matrix.zeros(dimension, dimension)
        for i in 0..<count {
            for a in 0..<dimension { for b in 0..<dimension { h[a, b] += features[i * dimension + a] * features[i * dimension + b] } }
        }
        return (h / Double(count)).symmetrized
    }

    /// The least-squares minimum μ = H⁻¹Xᵀy/N.
    public func minimum() throws(DataError) -> [Double] {
        var xy = [Double](repeating: 0, count: dimension)
        for i in 0..<count { for a in 0..<dimension { xy[a] += features[i * dimension + a] * targets[i] / Double(count) } }
        do { return try hessian.solve(xy) } catch { throw .singularDesign }
    }

    /// The per-sample gradient covariance Σ(θ) = (1/N)Σ g_i g_iᵀ − ḡḡᵀ with g_i = x_i(x_iᵀθ − y_i).
    public func gradientCovariance(at theta: [Double]) -> Matrix {
        let d = dimension
        var second = Matrix.zeros(d, d)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<count {
            var r = -targets[i]
            for a in 0..<d { r += features[i * d + a] * theta[a] }
            for a in 0..<d {
                let ga = features[i * d + a] * r
                mean[a] += ga / Double(count)
                for b in 0..<d { second[a, b] += ga * features[i * d + b] * r / Double(count) }
            }
        }
        return (second - Matrix.outer(mean, mean)).symmetrized
    }
}

/// Problems with a data set, one sentence each.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case notNumeric(path: String, line: Int)
    case shape(String)
    case tooFewSamples(samples: Int, features: Int)
    case notFinite
    case tooLarge(Double)
    case singularDesign

    public var description: String {
        switch self {
        case .unreadable(let p): return "Could not read the data file \(p); check the path."
        case let .notNumeric(p, line): return "Line \(line) of \(p) has a field that is not a number; give numbers only, the target in the last column."
        case .shape(let s): return "The data do not fit together: \(s); give one row per sample with the same number of columns."
        case let .tooFewSamples(n, d): return "The data have \(n) samples for \(d) features; give more samples than features."
        case .notFinite: return "The data contain NaN or infinite values; remove or fix those rows."
        case let .tooLarge(x): return String(format: "The data contain %.3g, too large for its squares to stay finite (|x| ≥ 1e150); rescale the features and targets.", x)
        case .singularDesign: return "The features are linearly dependent (XᵀX is singular), so the least-squares minimum is not unique; remove redundant feature columns."
        }
    }
}

/// The real minibatch gradient of linear regression, g = (1/S)Σ_{i∈B} x_i(x_iᵀθ − y_i) + λθ, with the batch
/// drawn with replacement or as S distinct samples (physics.md §1: C_S = 1/S or (N−S)/(S(N−1))).
public struct RegressionGradient: GradientOracle {
    public let data: RegressionData
    public let batchSize: Int
    public let withReplacement: Bool
    public let weightDecay: Double
    public var dimension: Int { data.dimension }

    public init(data: RegressionData, batchSize: Int, withReplacement: Bool, weightDecay: Double) {
        precondition(batchSize >= 1 && (withReplacement || batchSize <= data.count))
        self.data = data
        self.batchSize = batchSize
        self.withReplacement = withReplacement
        self.weightDecay = weightDecay
    }

    /// Per-chain scratch: d values, then (without replacement) a permutation of 0..<N as doubles.
    public var scratchSize: Int { dimension + (withReplacement ? 0 : data.count) }

    public func gradient(at theta: UnsafeMutableBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>,
                         rng: inout RandomSource, scratch: inout [Double]) {
        let d = dimension, n = data.count
        for a in 0..<d { g[a] = 0 }
        if !withReplacement && scratch.count < d + n {
            scratch = [Double](repeating: 0, count: d) + (0..<n).map(Double.init)
        }
        data.features.withUnsafeBufferPointer { x in
            for k in 0..<batchSize {
                let i: Int
                if withReplacement {
                    i = rng.index(below: n)
                } else {
                    // A partial Fisher–Yates shuffle: the first S entries become a uniform S-subset.
                    let j = k + rng.index(below: n - k)
                    scratch.swapAt(d + k, d + j)
                    i = Int(scratch[d + k])
                }
                var r = -data.targets[i]
                for a in 0..<d { r += x[i * d + a] * theta[a] }
                for a in 0..<d { g[a] += x[i * d + a] * r }
            }
        }
        let scale = 1 / Double(batchSize)
        for a in 0..<d { g[a] = g[a] * scale + weightDecay * theta[a] }
    }
}
