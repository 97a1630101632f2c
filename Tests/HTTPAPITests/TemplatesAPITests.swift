import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Compliance
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import Testing

/// Templates over HTTP: the shipped ones listed, a bad template refused with the field and the reason, a creditor
/// client's own version chosen for its accounts, previews with sample or real values and the required statements,
/// a message sent by template name, audit events for every change, and no agency reaching another's templates.
struct TemplatesAPITests {
    /// A saved template read back by id and changed in place (checked again; its name, channel, language and client
    /// stay); a shipped one can be read, not changed; another agency's is not found.
    @Test(arguments: TestDatabase.available)
    func aSavedTemplateIsReadByIDAndChangedInPlace(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let body = #"{"name": "nudge", "channel": "sms", "language": "en", "body": "{{consumer_first_name}}, {{balance}} is due."}"#
            let (_, saved, _) = try await client.call(.post, "/v1/templates", key: h.acmeAgent, body: body)
            let id = try #require(saved["id"] as? String)
            let (read, template, _) = try await client.call(.get, "/v1/templates/\(id)", key: h.acmeAgent)
            #expect(read == .ok && template["name"] as? String == "nudge" && template["shipped"] as? Bool == false)
            #expect(try await client.call(.get, "/v1/templates/\(id)", key: h.otherAdmin).0 == .notFound)
            #expect(try await client.call(.get, "/v1/templates/\(id)", key: h.bankKey).0 == .forbidden)

            let changed = #"{"name": "nudge", "channel": "sms", "language": "en", "body": "{{consumer_first_name}}, please call us."}"#
            let (updated, after, text) = try await client.call(.put, "/v1/templates/\(id)", key: h.acmeAgent, body: changed)
            #expect(updated == .ok && after["id"] as? String == id && after["body"] as? String == "{{consumer_first_name}}, please call us.", "\(text)")
            #expect(try await client.call(.get, "/v1/templates/\(id)", key: h.acmeAgent).1["body"] as? String == "{{consumer_first_name}}, please call us.")

            let renamed = #"{"name": "other", "channel": "sms", "language": "es", "body": "Hola"}"#
            let (refused, problem, _) = try await client.call(.put, "/v1/templates/\(id)", key: h.acmeAgent, body: renamed)
            let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(refused == .badRequest && fields == ["name", "language"], "\(problem)")
            let unknown = #"{"name": "nudge", "channel": "sms", "language": "en", "body": "{{shoe_size}}"}"#
            #expect(try await client.call(.put, "/v1/templates/\(id)", key: h.acmeAgent, body: unknown).0 == .badRequest, "checked as when saved")

            let shippedID = "00000000-0000-4000-8000-000000000001"
            let (shippedRead, shipped, _) = try await client.call(.get, "/v1/templates/\(shippedID)", key: h.acmeAgent)
            #expect(shippedRead == .ok && shipped["shipped"] as? Bool == true)
            #expect(try await client.call(.put, "/v1/templates/\(shippedID)", key: h.acmeAgent, body: changed).0 == .notFound,
                    "a shipped template is replaced by saving one of its name, not changed")
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=template.saved", key: h.acmeAdmin)
            #expect((audit["items"] as? [[String: Any]])?.filter { $0["subject_id"] as? String == id }.count == 2, "saved, then changed")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func templatesAreCheckedPreviewedChosenAndUsed(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("TP-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)

            let (_, listed, _) = try await client.call(.get, "/v1/templates", key: h.acmeAgent)
            let shipped = try #require(listed["items"] as? [[String: Any]])
            #expect(shipped.count == 8 && shipped.allSatisfy { $0["shipped"] as? Bool == true })

            let bad = #"{"name": "reminder", "channel": "sms", "language": "en", "body": "Hi {{first_name}}. Reply STOP to opt out."}"#
            let (refused, problem, text) = try await client.call(.post, "/v1/templates", key: h.acmeAgent, body: bad)
            #expect(refused == .badRequest, "\(text)")
            #expect(text.contains("unknown variable {{first_name}}") && text.contains("do not type them"), "\(problem)")

            // The bank's own English text reminder; the clinic's accounts keep the agency's (here: the shipped one).
            let mine = #"{"name": "reminder", "channel": "sms", "language": "en", "client_id": "\#(h.acmeBank)", "body": "{{consumer_first_name}}, Big Bank here via {{agency_name}}: {{balance}} is due. {{portal_link}}"}"#
            let (saved, template, savedText) = try await client.call(.post, "/v1/templates", key: h.acmeAgent, body: mine)
            #expect(saved == .created, "\(savedText)")
            let templateID = try #require(template["id"] as? String)
            let (again, replaced, _) = try await client.call(.post, "/v1/templates", key: h.acmeAgent, body: mine)
            #expect(again == .created && replaced["id"] as? String == templateID, "saving the same key replaces, keeping the id")
            let (_, afterSave, _) = try await client.call(.get, "/v1/templates", key: h.acmeAgent)
            #expect((afterSave["items"] as? [[String: Any]])?.count == 9)

            let (previewed, preview, _) = try await client.call(.post, "/v1/templates/preview?account_id=\(accountID)", key: h.acmeAgent, body: mine)
            #expect(previewed == .ok)
            #expect((preview["body"] as? String)?.hasPrefix("Pat, Big Bank here via Acme: $100.00 is due. https://pay.acme.test/r/") == true, "\(preview)")
            #expect((preview["body"] as? String)?.hasSuffix("Reply STOP to opt out.") == true)
            let (_, sample, _) = try await client.call(.post, "/v1/templates/preview", key: h.acmeAgent, body: mine)
            #expect((sample["body"] as? String)?.hasPrefix("Pat, Big Bank here via Acme Partners: $1,134.56") == true, "\(sample)")

            // A message by template name: the bank's account gets the bank's text; an email falls back to the shipped one.
            let csvConsent = [placementHeader + ",phone1_consent", placementRow("TP-2") + ",yes"].joined(separator: "\n")
            _ = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csvConsent, contentType: "text/csv")
            let (_, accounts, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
            let texted = try #require((accounts["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.first { $0 != accountID })
            let (queued, message, queuedText) = try await client.call(
                .post, "/v1/accounts/\(texted)/messages", key: h.acmeAgent, body: #"{"channel": "sms", "template": "reminder"}"#)
            #expect(queued == .accepted, "\(queuedText)")
            let (emailed, email, _) = try await client.call(
                .post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: #"{"channel": "email", "template": "reminder"}"#)
            #expect(emailed == .accepted && email["subject"] as? String == "Your Big Bank account")
            let (_, communications, _) = try await client.call(.get, "/v1/outbox?status=queued", key: h.acmeAgent)
            let bodies = try #require(communications["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(bodies.contains(try #require(message["id"] as? String)))
            let stored = try await h.store.messages(status: .queued, tenantID: h.acme, limit: 10)
            #expect(stored.contains { $0.channel == .sms && $0.body.hasPrefix("Pat, Big Bank here via Acme: $100.00 is due.") })
            #expect(stored.contains { $0.channel == .email && $0.body.contains("Questions? Call Acme at (512) 555-0199") })
            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent,
                                          body: #"{"channel": "sms", "template": "nope"}"#).0 == .badRequest)

            // Isolation and roles; deleting brings the shipped one back; every change is audited.
            #expect(try await client.call(.get, "/v1/templates", key: h.bankKey).0 == .forbidden)
            #expect(try await client.call(.delete, "/v1/templates/\(templateID)", key: h.otherAdmin).0 == .notFound)
            let (_, otherList, _) = try await client.call(.get, "/v1/templates", key: h.otherAdmin)
            #expect((otherList["items"] as? [[String: Any]])?.count == 8)
            let foreign = #"{"name": "x", "channel": "sms", "language": "en", "client_id": "\#(h.otherClient)", "body": "Hi"}"#
            #expect(try await client.call(.post, "/v1/templates", key: h.acmeAgent, body: foreign).0 == .notFound)
            #expect(try await client.call(.delete, "/v1/templates/\(templateID)", key: h.acmeAgent).0 == .noContent)
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?limit=200", key: h.acmeAdmin)
            let actions = try #require(audit["items"] as? [[String: Any]]).compactMap { $0["action"] as? String }
            #expect(actions.filter { $0 == "template.saved" }.count == 2 && actions.contains("template.deleted"))
        }
        }
    }
}
