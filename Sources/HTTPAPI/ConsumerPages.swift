import Foundation
import Hummingbird
import Messaging
import NIOCore
import RecoupApp

/// Pages consumers reach from a message, outside the API and its keys: the one-click unsubscribe of RFC 8058, and
/// the open pixel and click redirects of tracked emails.
/// `POST /u/{token}` (what mail clients send for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`) records the
/// opt-out at once; `GET` shows a page with a button that does the same, because link scanners follow GETs and
/// must not unsubscribe anyone.
enum ConsumerPages {
    static let prefixes = ["/u/", "/t/", "/c/"]

    /// `GET /t/{token}.gif` records the email opened and answers a transparent pixel; `GET /c/{token}?u=…` records
    /// a click and redirects, only to the address the signed token was made for. A forged token records nothing.
    static func registerTracking(on router: Router<APIRequestContext>, links: TrackingLinks, messages: MessageService) {
        router.get("/t/:token") { _, context in
            if let id = links.opened(token: context.parameters.get("token") ?? "") {
                _ = try? await messages.track(.opened, .signed(id))
            }
            // The pixel whatever happened: a mail client shows nothing either way.
            return Response(status: .ok, headers: [.contentType: "image/gif", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: pixel)))
        }
        router.get("/c/:token") { request, context in
            guard let target = request.uri.queryParameters["u"].map(String.init)?.removingPercentEncoding,
                  let id = links.clicked(token: context.parameters.get("token") ?? "", target: target)
            else {
                return page(.notFound, title: "Link not recognised", "<h1>Link not recognised</h1><p lang=\"es\">Enlace no reconocido.</p>")
            }
            _ = try? await messages.track(.clicked, .signed(id), detail: target)
            return Response(status: .found, headers: [.location: target])
        }
    }

    /// A transparent 1×1 GIF.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
    ]

    static func register(on router: Router<APIRequestContext>, unsubscribe: UnsubscribeService) {
        router.get("/u/:token") { _, context in
            let token = context.parameters.get("token") ?? ""
            return page(.ok, title: "Unsubscribe", """
                <h1>Unsubscribe · Cancelar suscripción</h1>
                <p>Stop email from us at this address? It is free and we ask for nothing else.</p>
                <p lang="es">¿Dejar de recibir nuestros correos en esta dirección? Es gratis y no le pedimos nada más.</p>
                <form method="post" action="/u/\(HTMLEscaping.text(token))"><button type="submit">Unsubscribe · Cancelar</button></form>
                """)
        }
        router.post("/u/:token") { _, context in
            guard let address = try await unsubscribe.unsubscribe(token: context.parameters.get("token") ?? "") else {
                return page(.notFound, title: "Link not recognised", """
                    <h1>Link not recognised</h1><p>This unsubscribe link is not valid.</p>
                    <p lang="es">Este enlace para cancelar la suscripción no es válido.</p>
                    """)
            }
            return page(.ok, title: "Unsubscribed", """
                <h1>Unsubscribed · Suscripción cancelada</h1><p>We will not email \(HTMLEscaping.text(address)) again.</p>
                <p lang="es">No volveremos a escribir a \(HTMLEscaping.text(address)).</p>
                """)
        }
    }

    static func page(_ status: HTTPResponse.Status, title: String, _ body: String) -> Response {
        let html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
            + "<title>\(title)</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;"
            + "line-height:1.5}button{font-size:1.1rem;padding:.7rem 1.4rem}</style></head><body>\(body)</body></html>"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
