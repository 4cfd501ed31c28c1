import CFFTW

/// A SIMD-aligned array of doubles from FFTW's allocator, freed on deinit.
///
/// Complex data are stored interleaved (re, im), so a buffer of `complexCount` values holds
/// `2 * complexCount` doubles.
public final class AlignedBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>

    /// Allocates `count` doubles, zero-filled.
    public init(count: Int) {
        precondition(count > 0, "AlignedBuffer needs a positive size")
        guard let raw = fftw_alloc_real(count) else { fatalError("out of memory allocating \(count) doubles") }
        pointer = raw
        pointer.initialize(repeating: 0, count: count)
        self.count = count
    }

    /// Allocates room for `complexCount` interleaved complex numbers.
    public convenience init(complexCount: Int) { self.init(count: 2 * complexCount) }

    deinit { fftw_free(pointer) }

    public var buffer: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: pointer, count: count) }
    /// A copy of the contents: safe on a temporary buffer, whose memory `buffer` does not keep alive.
    public var values: [Double] { Array(buffer) }
    /// The same memory typed as FFTW's complex array.
    public var complexPointer: UnsafeMutablePointer<fftw_complex> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: fftw_complex.self)
    }

    public func fill(_ value: Double) { pointer.update(repeating: value, count: count) }
    public func copy(from other: AlignedBuffer) {
        precondition(other.count == count)
        pointer.update(from: other.pointer, count: count)
    }
    public subscript(i: Int) -> Double {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
