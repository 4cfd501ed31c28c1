import Foundation

/// One periodic axis of the phase-space box, in centred coordinates x − x*.
///
/// The box is [−halfWidth, halfWidth) with `points` equally spaced samples. The point count must be even so
/// that the Nyquist wavenumber is a single, real mode that odd derivatives can drop.
public struct Axis: Sendable, Equatable {
    public let name: String
    public let points: Int
    public let halfWidth: Double

    public init(name: String, points: Int, halfWidth: Double) throws(GridError) {
        guard points >= 4, points % 2 == 0 else { throw .oddPointCount(axis: name, points: points) }
        guard halfWidth.isFinite, halfWidth > 0 else { throw .badHalfWidth(axis: name, value: halfWidth) }
        self.name = name
        self.points = points
        self.halfWidth = halfWidth
    }

    public var length: Double { 2 * halfWidth }
    public var spacing: Double { length / Double(points) }
    /// Sample positions in centred coordinates, starting at −halfWidth.
    public var coordinates: [Double] { (0..<points).map { -halfWidth + Double($0) * spacing } }
    /// 2π/L: the smallest nonzero wavenumber.
    public var fundamentalWavenumber: Double { 2 * Double.pi / length }
    /// Largest resolved wavenumber π/Δx.
    public var nyquistWavenumber: Double { Double.pi / spacing }

    /// Wavenumbers in FFTW's order for a complex axis: 0, 1, …, N/2, −N/2+1, …, −1 (times 2π/L).
    public var wavenumbers: [Double] {
        (0..<points).map { j in Double(j <= points / 2 ? j : j - points) * fundamentalWavenumber }
    }

    /// Wavenumbers of the halved axis of a real-to-complex transform: 0 … N/2.
    public var halfWavenumbers: [Double] { (0...(points / 2)).map { Double($0) * fundamentalWavenumber } }

    /// Multipliers for a first derivative: i·k with the Nyquist mode set to zero, because its sign is
    /// ambiguous and keeping it breaks the real symmetry of the result.
    public func oddFactors(halved: Bool) -> [Double] {
        let ks = halved ? halfWavenumbers : wavenumbers
        return ks.enumerated().map { $0.offset == points / 2 ? 0 : $0.element }
    }
}

/// Errors in grid construction, one sentence each.
public enum GridError: Error, CustomStringConvertible, Equatable {
    case oddPointCount(axis: String, points: Int)
    case badHalfWidth(axis: String, value: Double)
    /// `setting` names what to reduce ("[grid] points", or "[grid] frame_points" for an adapted frame's grid).
    case tooLarge(points: Int, bytesNeeded: Double, bytesAvailable: Double, setting: String = "[grid] points")
    case wrongAxisCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .oddPointCount(axis, points):
            return "The grid along \(axis) has \(points) points; use an even number of at least 4 ([grid] points)."
        case let .badHalfWidth(axis, value):
            return "The box half-width along \(axis) must be positive and finite (got \(value)); fix [grid] box or use box = \"auto\"."
        case let .tooLarge(points, need, have, setting):
            return String(
                format: "A grid of %ld points needs about %.1f GiB but only %.1f GiB of memory is available; reduce %@.",
                points, need / 1_073_741_824, have / 1_073_741_824, setting)
        case let .wrongAxisCount(expected, got):
            return "The grid needs \(expected) axes but \(got) were given; give one value per phase-space axis in [grid] points and box."
        }
    }
}
