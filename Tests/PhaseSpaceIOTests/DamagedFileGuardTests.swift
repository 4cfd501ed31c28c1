import Foundation
import Testing
@testable import PhaseSpaceIO
#if canImport(Glibc)
import Glibc
#endif

/// What a crash inside the HDF5 library while it reads a damaged file ends in. The crash runs in a forked
/// child, where the guard and the partial output's protection are those of this process at the fork.
@Suite(.serialized) struct DamagedFileGuardTests {
    /// Forks; the child takes `signal` inside the guard with stderr on a pipe. Returns its exit status (or
    /// −signal) and what it wrote.
    static func crash(with signal: Int32) -> (status: Int32, stderr: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return (-1, "") }
        DamagedFileGuard.enter(reading: "in.h5")
        let pid = fork()
        if pid == 0 {
            dup2(fds[1], 2)
            raise(signal)
            _exit(99)
        }
        DamagedFileGuard.leave()
        close(fds[1])
        var output = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        close(fds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : -(status & 0x7f), String(decoding: output, as: UTF8.self))
    }

    /// The handler allocates nothing (the crash may have corrupted the heap, and glibc then aborts in the
    /// next malloc: what a damaged file once made of the error line); an abort counts as a crash.
    @Test("A crash, abort or arithmetic fault while reading ends in one line and status 1, with the partial output removed",
          arguments: [SIGSEGV, SIGBUS, SIGABRT, SIGFPE])
    func crashEndsInOneLine(_ signal: Int32) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let partial = dir.file(".out.h5.partial-1"), lock = dir.file(".out.h5.lock")
        for f in [partial, lock] { FileManager.default.createFile(atPath: f, contents: Data([1])) }
        InterruptCleanup.protect(partial, lock: lock)
        defer { InterruptCleanup.release() }
        let (status, stderr) = Self.crash(with: signal)
        #expect(status == 1, "\(stderr)")
        #expect(stderr == "sgdfp: error: The file in.h5 is damaged: the HDF5 library failed while reading it; restore it from a copy or make it again.\n")
        #expect(dir.contents().isEmpty, "\(dir.contents())")
    }
}
