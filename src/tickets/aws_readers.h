// The readers behind ParseAwsExport, one per `aws` CLI export kind: each
// turns one parsed JSON document into an AwsExportPage. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "tickets/aws_import.h"

namespace opsdeck::tickets::internal {

// The export kind told by the document's top-level key; nullopt for none.
std::optional<AwsExportKind> DetectExportKind(const boost::json::object& doc);

// Reads a document of `kind`. Errors are a message naming the JSON pointer
// of the bad value ("/Reservations/0/Instances/2: no InstanceId"); the
// caller adds the file.
core::Result<AwsExportPage> ReadExportPage(const boost::json::object& doc, AwsExportKind kind,
                                           const std::string& source);

}  // namespace opsdeck::tickets::internal
