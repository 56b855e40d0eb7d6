// Reading a dns check's answers: the record types it may ask for, each
// answer of a DNS message as text, and when an expected value counts as
// present. Pure functions over bytes (c-ares' parsers underneath).
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace opsdeck::monitor {

// "A" -> 1, "AAAA" -> 28, ... for A, AAAA, CNAME, MX, TXT, NS, SRV.
std::optional<int> DnsRecordType(std::string_view name);

// The answers of `message` (a reply to a query of `rr_type`) as text:
//   A, AAAA   the address ("192.0.2.1", "2001:db8::1")
//   CNAME, NS the name, lower case, without the final dot
//   MX        "<preference> <exchange>"           ("10 mail.example.com")
//   SRV       "<priority> <weight> <port> <target>" ("10 5 5060 sip.example.com")
//   TXT       the record's strings joined without separator
// Empty when the reply holds no record of that type.
core::Result<std::vector<std::string>> DecodeDnsAnswers(int rr_type,
                                                        std::span<const unsigned char> message);

// Whether `expected` (as written in the config) is `answer`: addresses
// compare as addresses, names case-insensitively and ignoring a final dot,
// MX and SRV also match on the host name alone, TXT exactly.
bool DnsAnswerMatches(int rr_type, std::string_view expected, std::string_view answer);

}  // namespace opsdeck::monitor
