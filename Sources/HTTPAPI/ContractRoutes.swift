import HTTPTypes

/// The contract's operations by path template, read from `openapi.yaml`: a request on one of its paths with a
/// method the path does not take is answered 405 with `Allow` (RFC 9110 §15.5.6), not 404 as for a path that does
/// not exist.
struct ContractRoutes: Sendable {
    /// Each path's segments (`{…}` matches any one segment) and the methods it takes.
    private let routes: [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    /// Reads the `paths:` section as the contract writes it: a path at two spaces' indent, its operations at four.
    init(yaml: String) {
        var routes: [(segments: [Substring], methods: Set<HTTPRequest.Method>)] = []
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" {
                inPaths = line.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                routes.append((line.dropFirst(2).dropLast().split(separator: "/"), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let colon = line.firstIndex(of: ":"), !routes.isEmpty,
                      let method = HTTPRequest.Method(String(line[line.index(line.startIndex, offsetBy: 4)..<colon]).uppercased()),
                      Self.operationMethods.contains(method)
            {
                routes[routes.count - 1].methods.insert(method)
            }
        }
        self.routes = routes
    }

    private static let operationMethods: Set<HTTPRequest.Method> = [.get, .put, .post, .delete, .patch, .head, .options]

    /// The methods the contract's path matching `path` takes (none when no path matches).
    func methods(for path: Substring) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        return routes.reduce(into: []) { methods, route in
            guard route.segments.count == segments.count,
                  zip(route.segments, segments).allSatisfy({ $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 })
            else { return }
            methods.formUnion(route.methods)
        }
    }
}
