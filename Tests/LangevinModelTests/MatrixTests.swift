import Foundation
import Testing
@testable import LangevinModel

@Suite("Matrix basics and linear solves")
struct MatrixTests {
    @Test func constructionAndAccess() throws {
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m[1, 2] == 6)
        #expect(m.transposed.rowsAsArrays == [[1, 4], [2, 5], [3, 6]])
        #expect(m.row(1) == [4, 5, 6] && m.column(0) == [1, 4])
        #expect(Matrix(rows: 2, cols: 3, elements: [1, 2, 3, 4, 5, 6]) == m)
        #expect(Matrix.identity(2) == Matrix([[1, 0], [0, 1]]))
        #expect(Matrix.diagonal([2, 3]) == Matrix([[2, 0], [0, 3]]))
        #expect(Matrix.zeros(2, 1).elements == [0, 0])
        #expect(m.maxAbs == 6)
        #expect(m.description == "[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]")
        #expect(try Matrix(validating: [[1, 2], [3, 4]], key: "[loss] hessian") == Matrix([[1, 2], [3, 4]]))
    }

    @Test func arithmetic() {
        let a = Matrix([[1, 2], [3, 4]])
        let b = Matrix([[0, 1], [1, 0]])
        #expect((a + b).rowsAsArrays == [[1, 3], [4, 4]])
        #expect((a - b).rowsAsArrays == [[1, 1], [2, 4]])
        #expect((a * b).rowsAsArrays == [[2, 1], [4, 3]])
        #expect((2 * a).rowsAsArrays == [[2, 4], [6, 8]])
        #expect((a * 2) == 2 * a)
        #expect((-a).rowsAsArrays == [[-1, -2], [-3, -4]])
        #expect(a * [1, 1] == [3, 7])
        #expect(a.trace == 5)
        #expect(Matrix.outer([1, 2], [3, 4]).rowsAsArrays == [[3, 4], [6, 8]])
        #expect(Matrix.kronecker(Matrix.identity(2), a) == Matrix.block([[a, .zeros(2, 2)], [.zeros(2, 2), a]]))
    }

    @Test func blocks() {
        let a = Matrix([[1, 2], [3, 4]])
        let b = Matrix([[5], [6]])
        let c = Matrix([[7, 8]])
        let d = Matrix([[9]])
        let big = Matrix.block([[a, b], [c, d]])
        #expect(big.rowsAsArrays == [[1, 2, 5], [3, 4, 6], [7, 8, 9]])
        #expect(big.block(rows: 0..<2, cols: 2..<3) == b)
        #expect(big.block(rows: 2..<3, cols: 0..<2) == c)
    }

    @Test func symmetry() {
        let s = Matrix([[2, 1], [1 + 1e-13, 3]])
        #expect(s.isSymmetric(tolerance: 1e-12))
        #expect(!Matrix([[2, 1], [1.01, 3]]).isSymmetric(tolerance: 1e-12))
        #expect(!Matrix([[1, 2, 3], [4, 5, 6]]).isSymmetric(tolerance: 1))
        #expect(Matrix([[1, 2], [4, 5]]).symmetrized == Matrix([[1, 3], [3, 5]]))
    }

    @Test func solveInverseDeterminant() throws {
        let a = Matrix([[4, -2, 1], [-2, 4, -2], [1, -2, 4]])
        let x = Matrix([[1, 0], [2, -1], [3, 5]])
        let b = a * x
        // LU with partial pivoting on a well-conditioned 3×3: error is a few ulps.
        #expect(isClose(try a.solve(b), x, rel: 1e-14))
        #expect(isClose(try a.solve([1, 2, 3]), try a.inverse() * [1, 2, 3], rel: 1e-14))
        #expect(isClose(a * (try a.inverse()), .identity(3), rel: 1e-14))
        // det = 4(16−4) + 2(−8+2) + 1(4−4) = 36; a few ulps of round-off.
        #expect(isClose(a.determinant, 36, rel: 1e-14))
        // A permutation needs pivoting and flips the sign.
        #expect(Matrix([[0, 1], [1, 0]]).determinant == -1)
        #expect(Matrix([[1, 2], [2, 4]]).determinant == 0)
        let l = try a.cholesky()
        #expect(isClose(l * l.transposed, a, rel: 1e-15))
    }

    @Test func singularAndIndefiniteMatricesThrow() {
        let singular = Matrix([[1, 2, 3], [2, 4, 6], [1, 0, 1]])
        #expect(throws: ModelError.singularMatrix(size: 3)) { try singular.solve(Matrix.identity(3)) }
        #expect(throws: ModelError.singularMatrix(size: 3)) { try singular.inverse() }
        #expect(throws: ModelError.notPositiveDefinite(size: 2)) { try Matrix([[1, 2], [2, 1]]).cholesky() }
        #expect(throws: ModelError.raggedMatrix(key: "[noise] matrix", row: 1, expected: 2, found: 1)) {
            try Matrix(validating: [[1, 2], [3]], key: "[noise] matrix")
        }
    }
}

@Suite("Matrix exponential")
struct MatrixExponentialTests {
    @Test(arguments: [0.1, 1.0, 10.0, 100.0])
    func rotation(angle: Double) {
        let e = Matrix([[0, -angle], [angle, 0]]).exponential()
        // Each of the ~log2(angle) squarings adds a few ulps; 1e-13 covers angle 100 with margin.
        #expect(isClose(e, Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]), rel: 1e-13))
    }

    @Test func diagonal() {
        let values = [-30.0, -1, 0, 0.5, 3]
        let e = Matrix.diagonal(values).exponential()
        for (i, v) in values.enumerated() {
            // Entrywise relative accuracy of a tiny entry (e^−30): the cancellation in V + U for negative
            // arguments is doubled by each of the 3 squarings (Higham 2005, §3), ~150 ulps.
            #expect(isClose(e[i, i], exp(v), rel: 1e-13))
        }
        #expect(e.elements.enumerated().allSatisfy { $0.offset % 6 == 0 || $0.element == 0 })
    }

    @Test func nilpotent() {
        let n = Matrix([[0, 1, 2, 3], [0, 0, 4, 5], [0, 0, 0, 6], [0, 0, 0, 0]])
        let n2 = n * n, n3 = n2 * n
        let exact = Matrix.identity(4) + n + 0.5 * n2 + (1.0 / 6) * n3
        // The series terminates; squarings of a nilpotent matrix round only at the ulp level.
        #expect(isClose(n.exponential(), exact, rel: 1e-14))
    }

    /// Norms that select each Padé degree (3, 5, 7, 9, 13) and 13 with squarings; checked against the
    /// eigen-decomposition A = V diag(λ) V⁻¹.
    @Test(arguments: [0.005, 0.1, 0.5, 1.2, 3.0, 40.0])
    func diagonalizableAgainstEigenDecomposition(scale: Double) throws {
        let v = Matrix([[1, 2, 0], [0, 1, 1], [1, 0, 1]])
        let vinv = try v.inverse()
        let lambdas = [-1.0, 0.5, 0.25].map { $0 * scale }
        let a = v * Matrix.diagonal(lambdas) * vinv
        let exact = v * Matrix.diagonal(lambdas.map(exp)) * vinv
        // cond(V) ≈ 5 amplifies round-off; 1e-13 of the largest entry is still ~100 ulps.
        #expect(isClose(a.exponential(), exact, rel: 1e-13))
    }

    @Test func inverseProperty() {
        for s in [0.3, 1.0, 4.0] {
            let a = s * ScipyReference.randomB
            let plus = a.exponential(), minus = (-a).exponential()
            // e^A e^{−A} = I up to normwise errors of both factors amplified by ‖e^A‖‖e^{−A}‖ (up to ~1e5 here).
            let amplification = plus.oneNorm * minus.oneNorm
            #expect((plus * minus - .identity(5)).maxAbs <= 1e-14 * amplification)
        }
    }

    @Test func againstScipy() {
        // scipy.linalg.expm uses the same algorithm family; both are accurate to ~1e-15 relative.
        #expect(isClose(ScipyReference.randomB.exponential(), ScipyReference.expB, rel: 1e-13))
        #expect(isClose((3 * ScipyReference.randomB).exponential(), ScipyReference.exp3B, rel: 1e-13))
    }

    @Test func edgeCases() {
        #expect(Matrix.zeros(3, 3).exponential() == .identity(3))
        #expect(Matrix.zeros(0, 0).exponential() == .zeros(0, 0))
        // 1×1 is the scalar exponential up to the Padé rational error.
        #expect(isClose(Matrix([[2.5]]).exponential()[0, 0], exp(2.5), rel: 1e-15))
        #expect(Matrix([[Double.nan]]).exponential()[0, 0].isNaN)
    }
}

@Suite("Symmetric eigen-decomposition")
struct SymmetricEigenTests {
    @Test func reconstructsRandomSymmetric() {
        var b = ScipyReference.randomB
        b = b + b.transposed
        let (values, vectors) = b.symmetricEigen()
        #expect(values == values.sorted())
        // Jacobi is backward stable: reconstruction and orthogonality at ~10 ulps of ‖B‖.
        #expect(isClose(vectors * Matrix.diagonal(values) * vectors.transposed, b, rel: 1e-14))
        #expect(isClose(vectors.transposed * vectors, .identity(5), rel: 1e-14))
        // Each column really is an eigenvector.
        for j in 0..<5 {
            let u = vectors.column(j)
            let residual = zip(b * u, u).map { abs($0 - values[j] * $1) }.max()!
            #expect(residual <= 1e-14 * 10 * b.maxAbs)
        }
    }

    @Test func hessianOfP3() {
        let (values, vectors) = hessianP3.symmetricEigen()
        // Built from exact rotation: eigenvalues 0.5 and 2 up to the round-off of building H.
        #expect(isClose(values, [0.5, 2], rel: 1e-15))
        let c = cos(Double.pi / 6), s = sin(Double.pi / 6)
        // The h = 2 direction is R(30°)e₁ = (cos 30°, sin 30°); the h = 0.5 one is (−sin 30°, cos 30°).
        #expect(isClose(vectors.column(1), [c, s], rel: 1e-15))
        #expect(isClose(vectors.column(0), [-s, c], rel: 1e-15))
    }

    @Test func trivialCases() {
        let one = Matrix([[3]]).symmetricEigen()
        #expect(one.values == [3] && one.vectors == Matrix([[1]]))
        let d = Matrix.diagonal([3, -1, 2]).symmetricEigen()
        #expect(d.values == [-1, 2, 3])
        #expect(d.vectors == Matrix([[0, 0, 1], [1, 0, 0], [0, 1, 0]]))
        let repeated = (2 * Matrix.identity(3)).symmetricEigen()
        #expect(repeated.values == [2, 2, 2] && repeated.vectors == .identity(3))
        #expect(Matrix.zeros(0, 0).symmetricEigen().values.isEmpty)
    }
}
