/*
 * fix_codec.c - the FIX 4.4 tag=value codec: framing, validation against tables written in C from
 * the FIX 4.4 specification, typed access, and a builder. It parses untrusted input from clients,
 * venues and market data, so every read is bounded by the frame and every failure is an answer.
 *
 * Invariants:
 * - Nothing here allocates, reads a clock or keeps state between calls; parsed fields point into
 *   the caller's frame, and the only writes are into the caller's arrays and buffers.
 * - Framing follows the FIX spec exactly: BodyLength counts the bytes from after the SOH ending
 *   9= to the SOH before 10= inclusive; CheckSum is the byte sum of everything before "10=", mod
 *   256, as three digits. A frame either satisfies both or is garbled: no field is looked at.
 * - Numbers never pass through floating point: decimals are fixed-point at 10^-8 through core's
 *   oms_dec_parse/oms_dec_format, and a value that is not exact at that scale is refused.
 * - A message oms_fix_validate accepts converts without error through the typed accessors for
 *   every field its table models (the fuzz target checks this).
 * - The tables below are FIX 4.4 as the QuickFIX dictionary FIX44.xml states it: required tags,
 *   types, enumerations, group layouts, the tags each message allows. They were written out once
 *   from that dictionary; tests/adapters/check_fix44.py compares them with it on every test run, so
 *   the build and the engine never need the XML. Ranges (OrderQty > 0, ...) and conditionally
 *   required fields come from the specification's text and are this file's own.
 * - Validation is strict where the engine reads and open where it does not: tags a table models
 *   are checked completely; other tags FIX 4.4 allows in the message, and user-defined tags
 *   5000-9999, pass unexamined. Only modelled tags are checked for repeats, so a repeating group
 *   the tables do not model can repeat its own tags freely; the check script proves that no such
 *   group contains a modelled tag.
 */
#include "adapters.h"

#include "core.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define OMS_FIX_TAG_WORDS ((OMS_FIX44_MAX_TAG + 64) / 64)

/* ---------------------------------------------------------------------------------------------
 * Tables: enumerations, the fields the codec models, repeating groups, header and trailer
 * ------------------------------------------------------------------------------------------- */

static const char *const E_18[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "A", "B", "C", "D", "E", "F", "G", "H", "I",
    "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "U", "V", "W", "X", "Y", "Z", "a", "b", "c",
    "d", "e", NULL
};
static const char *const E_21[] = {"1", "2", "3", NULL};
static const char *const E_22[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
    NULL
};
static const char *const E_29[] = {"1", "2", "3", "4", NULL};
static const char *const E_35[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F", "G", "H", "J",
    "K", "L", "M", "N", "P", "Q", "R", "S", "T", "V", "W", "X", "Y", "Z", "a", "b", "c", "d", "e",
    "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x",
    "y", "z", "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AL", "AM", "AN",
    "AO", "AP", "AQ", "AR", "AS", "AT", "AU", "AV", "AW", "AX", "AY", "AZ", "BA", "BB", "BC", "BD",
    "BE", "BF", "BG", "BH", NULL
};
static const char *const E_39[] = {
    "0", "1", "2", "3", "4", "6", "7", "8", "9", "A", "B", "C", "D", "E", NULL
};
static const char *const E_40[] = {
    "1", "2", "3", "4", "6", "7", "8", "9", "D", "E", "G", "I", "J", "K", "L", "M", "P", NULL
};
static const char *const E_54[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F", "G", NULL
};
static const char *const E_59[] = {"0", "1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const E_102[] = {"0", "1", "2", "3", "4", "5", "6", "99", NULL};
static const char *const E_103[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "13", "14", "15", "99", NULL
};
static const char *const E_150[] = {
    "0", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F", "G", "H", "I", NULL
};
static const char *const E_269[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", NULL
};
static const char *const E_274[] = {"0", "1", "2", "3", NULL};
static const char *const E_276[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", NULL};
static const char *const E_277[] = {
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "P", "Q", "R", NULL
};
static const char *const E_286[] = {"0", "1", "2", "3", "4", "5", NULL};
static const char *const E_347[] = {"ISO-2022-JP", "EUC-JP", "Shift_JIS", "UTF-8", NULL};
static const char *const E_373[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
    "17", "99", NULL
};
static const char *const E_378[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "99", NULL
};
static const char *const E_380[] = {"0", "1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const E_434[] = {"1", "2", NULL};
static const char *const E_447[] = {
    "B", "C", "D", "E", "F", "G", "H", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "I", NULL
};
static const char *const E_452[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
    "18", "19", "20", "21", "22", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34",
    "35", "36", "37", "38", NULL
};
static const char *const E_528[] = {"A", "G", "I", "P", "R", "W", NULL};
static const char *const E_530[] = {"1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const E_531[] = {"0", "1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const E_532[] = {"0", "1", "2", "3", "4", "5", "6", "99", NULL};
static const char *const E_546[] = {"1", "2", "3", NULL};
static const char *const E_585[] = {"1", "2", "3", "4", "5", "6", "7", "8", NULL};
static const char *const E_803[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
    "18", "19", "20", "21", "22", "23", "24", "25", "26", NULL
};
static const char *const E_814[] = {"0", "1", "2", "3", NULL};
static const char *const E_851[] = {"1", "2", "3", NULL};

static const char *const E_836[] = {"0", "1", "2", "3", NULL};

static const oms_fix_field_def_t FIELDS[] = {
    {1, "Account", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {6, "AvgPx", OMS_FIX_T_PRICE, OMS_FIX_RANGE_ANY, NULL},
    {8, "BeginString", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {9, "BodyLength", OMS_FIX_T_LENGTH, OMS_FIX_RANGE_ANY, NULL},
    {10, "CheckSum", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {11, "ClOrdID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {14, "CumQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {15, "Currency", OMS_FIX_T_CURRENCY, OMS_FIX_RANGE_ANY, NULL},
    {17, "ExecID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {18, "ExecInst", OMS_FIX_T_MULTIPLEVALUESTRING, OMS_FIX_RANGE_ANY, E_18},
    {19, "ExecRefID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {21, "HandlInst", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_21},
    {22, "SecurityIDSource", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, E_22},
    {29, "LastCapacity", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_29},
    {30, "LastMkt", OMS_FIX_T_EXCHANGE, OMS_FIX_RANGE_ANY, NULL},
    {31, "LastPx", OMS_FIX_T_PRICE, OMS_FIX_RANGE_ANY, NULL},
    {32, "LastQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {34, "MsgSeqNum", OMS_FIX_T_SEQNUM, OMS_FIX_RANGE_POSITIVE, NULL},
    {35, "MsgType", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, E_35},
    {37, "OrderID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {38, "OrderQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_POSITIVE, NULL},
    {39, "OrdStatus", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_39},
    {40, "OrdType", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_40},
    {41, "OrigClOrdID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {43, "PossDupFlag", OMS_FIX_T_BOOLEAN, OMS_FIX_RANGE_ANY, NULL},
    {44, "Price", OMS_FIX_T_PRICE, OMS_FIX_RANGE_ANY, NULL},
    {45, "RefSeqNum", OMS_FIX_T_SEQNUM, OMS_FIX_RANGE_ANY, NULL},
    {48, "SecurityID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {49, "SenderCompID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {50, "SenderSubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {52, "SendingTime", OMS_FIX_T_UTCTIMESTAMP, OMS_FIX_RANGE_ANY, NULL},
    {54, "Side", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_54},
    {55, "Symbol", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {56, "TargetCompID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {57, "TargetSubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {58, "Text", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {59, "TimeInForce", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_59},
    {60, "TransactTime", OMS_FIX_T_UTCTIMESTAMP, OMS_FIX_RANGE_ANY, NULL},
    {78, "NoAllocs", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {79, "AllocAccount", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {80, "AllocQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {89, "Signature", OMS_FIX_T_DATA, OMS_FIX_RANGE_ANY, NULL},
    {90, "SecureDataLen", OMS_FIX_T_LENGTH, OMS_FIX_RANGE_ANY, NULL},
    {91, "SecureData", OMS_FIX_T_DATA, OMS_FIX_RANGE_ANY, NULL},
    {93, "SignatureLength", OMS_FIX_T_LENGTH, OMS_FIX_RANGE_ANY, NULL},
    {97, "PossResend", OMS_FIX_T_BOOLEAN, OMS_FIX_RANGE_ANY, NULL},
    {99, "StopPx", OMS_FIX_T_PRICE, OMS_FIX_RANGE_ANY, NULL},
    {100, "ExDestination", OMS_FIX_T_EXCHANGE, OMS_FIX_RANGE_ANY, NULL},
    {102, "CxlRejReason", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_102},
    {103, "OrdRejReason", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_103},
    {110, "MinQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {111, "MaxFloor", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {115, "OnBehalfOfCompID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {116, "OnBehalfOfSubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {122, "OrigSendingTime", OMS_FIX_T_UTCTIMESTAMP, OMS_FIX_RANGE_ANY, NULL},
    {126, "ExpireTime", OMS_FIX_T_UTCTIMESTAMP, OMS_FIX_RANGE_ANY, NULL},
    {128, "DeliverToCompID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {129, "DeliverToSubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {142, "SenderLocationID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {143, "TargetLocationID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {144, "OnBehalfOfLocationID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {145, "DeliverToLocationID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {150, "ExecType", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_150},
    {151, "LeavesQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {152, "CashOrderQty", OMS_FIX_T_QTY, OMS_FIX_RANGE_POSITIVE, NULL},
    {198, "SecondaryOrderID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {207, "SecurityExchange", OMS_FIX_T_EXCHANGE, OMS_FIX_RANGE_ANY, NULL},
    {210, "MaxShow", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {211, "PegOffsetValue", OMS_FIX_T_FLOAT, OMS_FIX_RANGE_ANY, NULL},
    {212, "XmlDataLen", OMS_FIX_T_LENGTH, OMS_FIX_RANGE_ANY, NULL},
    {213, "XmlData", OMS_FIX_T_DATA, OMS_FIX_RANGE_ANY, NULL},
    {262, "MDReqID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {268, "NoMDEntries", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {269, "MDEntryType", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_269},
    {270, "MDEntryPx", OMS_FIX_T_PRICE, OMS_FIX_RANGE_ANY, NULL},
    {271, "MDEntrySize", OMS_FIX_T_QTY, OMS_FIX_RANGE_NONNEG, NULL},
    {272, "MDEntryDate", OMS_FIX_T_UTCDATEONLY, OMS_FIX_RANGE_ANY, NULL},
    {273, "MDEntryTime", OMS_FIX_T_UTCTIMEONLY, OMS_FIX_RANGE_ANY, NULL},
    {274, "TickDirection", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_274},
    {275, "MDMkt", OMS_FIX_T_EXCHANGE, OMS_FIX_RANGE_ANY, NULL},
    {276, "QuoteCondition", OMS_FIX_T_MULTIPLEVALUESTRING, OMS_FIX_RANGE_ANY, E_276},
    {277, "TradeCondition", OMS_FIX_T_MULTIPLEVALUESTRING, OMS_FIX_RANGE_ANY, E_277},
    {282, "MDEntryOriginator", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {283, "LocationID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {284, "DeskID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {286, "OpenCloseSettlFlag", OMS_FIX_T_MULTIPLEVALUESTRING, OMS_FIX_RANGE_ANY, E_286},
    {287, "SellerDays", OMS_FIX_T_INT, OMS_FIX_RANGE_NONNEG, NULL},
    {288, "MDEntryBuyer", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {289, "MDEntrySeller", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {290, "MDEntryPositionNo", OMS_FIX_T_INT, OMS_FIX_RANGE_POSITIVE, NULL},
    {299, "QuoteEntryID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {336, "TradingSessionID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {346, "NumberOfOrders", OMS_FIX_T_INT, OMS_FIX_RANGE_NONNEG, NULL},
    {347, "MessageEncoding", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, E_347},
    {354, "EncodedTextLen", OMS_FIX_T_LENGTH, OMS_FIX_RANGE_ANY, NULL},
    {355, "EncodedText", OMS_FIX_T_DATA, OMS_FIX_RANGE_ANY, NULL},
    {369, "LastMsgSeqNumProcessed", OMS_FIX_T_SEQNUM, OMS_FIX_RANGE_ANY, NULL},
    {371, "RefTagID", OMS_FIX_T_INT, OMS_FIX_RANGE_POSITIVE, NULL},
    {372, "RefMsgType", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {373, "SessionRejectReason", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_373},
    {378, "ExecRestatementReason", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_378},
    {379, "BusinessRejectRefID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {380, "BusinessRejectReason", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_380},
    {432, "ExpireDate", OMS_FIX_T_LOCALMKTDATE, OMS_FIX_RANGE_ANY, NULL},
    {434, "CxlRejResponseTo", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_434},
    {447, "PartyIDSource", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_447},
    {448, "PartyID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {452, "PartyRole", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_452},
    {453, "NoPartyIDs", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {467, "IndividualAllocID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {516, "OrderPercent", OMS_FIX_T_PERCENTAGE, OMS_FIX_RANGE_POSITIVE, NULL},
    {523, "PartySubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {524, "NestedPartyID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {525, "NestedPartyIDSource", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, NULL},
    {528, "OrderCapacity", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_528},
    {530, "MassCancelRequestType", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_530},
    {531, "MassCancelResponse", OMS_FIX_T_CHAR, OMS_FIX_RANGE_ANY, E_531},
    {532, "MassCancelRejectReason", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, E_532},
    {533, "TotalAffectedOrders", OMS_FIX_T_INT, OMS_FIX_RANGE_NONNEG, NULL},
    {534, "NoAffectedOrders", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {535, "AffectedOrderID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {536, "AffectedSecondaryOrderID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {538, "NestedPartyRole", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, NULL},
    {539, "NoNestedPartyIDs", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {545, "NestedPartySubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {546, "Scope", OMS_FIX_T_MULTIPLEVALUESTRING, OMS_FIX_RANGE_ANY, E_546},
    {584, "MassStatusReqID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {585, "MassStatusReqType", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_585},
    {625, "TradingSessionSubID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {627, "NoHops", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {628, "HopCompID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {629, "HopSendingTime", OMS_FIX_T_UTCTIMESTAMP, OMS_FIX_RANGE_ANY, NULL},
    {630, "HopRefID", OMS_FIX_T_SEQNUM, OMS_FIX_RANGE_ANY, NULL},
    {636, "WorkingIndicator", OMS_FIX_T_BOOLEAN, OMS_FIX_RANGE_ANY, NULL},
    {661, "AllocAcctIDSource", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, NULL},
    {736, "AllocSettlCurrency", OMS_FIX_T_CURRENCY, OMS_FIX_RANGE_ANY, NULL},
    {790, "OrdStatusReqID", OMS_FIX_T_STRING, OMS_FIX_RANGE_ANY, NULL},
    {797, "CopyMsgIndicator", OMS_FIX_T_BOOLEAN, OMS_FIX_RANGE_ANY, NULL},
    {802, "NoPartySubIDs", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {803, "PartySubIDType", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_803},
    {804, "NoNestedPartySubIDs", OMS_FIX_T_NUMINGROUP, OMS_FIX_RANGE_ANY, NULL},
    {805, "NestedPartySubIDType", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, NULL},
    {811, "PriceDelta", OMS_FIX_T_FLOAT, OMS_FIX_RANGE_ANY, NULL},
    {813, "ApplQueueDepth", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, NULL},
    {814, "ApplQueueResolution", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_814},
    {836, "PegOffsetType", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_836},
    {851, "LastLiquidityInd", OMS_FIX_T_INT, OMS_FIX_RANGE_ANY, E_851},
    {911, "TotNumReports", OMS_FIX_T_INT, OMS_FIX_RANGE_NONNEG, NULL},
    {912, "LastRptRequested", OMS_FIX_T_BOOLEAN, OMS_FIX_RANGE_ANY, NULL},
};
static const oms_fix_member_t G_802[] = {
    {523, false, NULL}, /* PartySubID */
    {803, false, NULL}, /* PartySubIDType */
};
static const oms_fix_group_def_t GROUP_802 = {802, G_802, COUNT(G_802)};
static const oms_fix_member_t G_453[] = {
    {448, false, NULL}, /* PartyID */
    {447, false, NULL}, /* PartyIDSource */
    {452, false, NULL}, /* PartyRole */
    {802, false, &GROUP_802}, /* NoPartySubIDs */
};
static const oms_fix_group_def_t GROUP_453 = {453, G_453, COUNT(G_453)};
static const oms_fix_member_t G_804[] = {
    {545, false, NULL}, /* NestedPartySubID */
    {805, false, NULL}, /* NestedPartySubIDType */
};
static const oms_fix_group_def_t GROUP_804 = {804, G_804, COUNT(G_804)};
static const oms_fix_member_t G_539[] = {
    {524, false, NULL}, /* NestedPartyID */
    {525, false, NULL}, /* NestedPartyIDSource */
    {538, false, NULL}, /* NestedPartyRole */
    {804, false, &GROUP_804}, /* NoNestedPartySubIDs */
};
static const oms_fix_group_def_t GROUP_539 = {539, G_539, COUNT(G_539)};
/* PreAllocGrp: a block order's allocation (fix_map.c reads 79 and 80) */
static const oms_fix_member_t G_78[] = {
    {79, false, NULL}, /* AllocAccount */
    {661, false, NULL}, /* AllocAcctIDSource */
    {736, false, NULL}, /* AllocSettlCurrency */
    {467, false, NULL}, /* IndividualAllocID */
    {539, false, &GROUP_539}, /* NoNestedPartyIDs */
    {80, false, NULL}, /* AllocQty */
};
static const oms_fix_group_def_t GROUP_78 = {78, G_78, COUNT(G_78)};
static const oms_fix_member_t G_268[] = {
    {269, true, NULL}, /* MDEntryType */
    {270, false, NULL}, /* MDEntryPx */
    {15, false, NULL}, /* Currency */
    {271, false, NULL}, /* MDEntrySize */
    {272, false, NULL}, /* MDEntryDate */
    {273, false, NULL}, /* MDEntryTime */
    {274, false, NULL}, /* TickDirection */
    {275, false, NULL}, /* MDMkt */
    {336, false, NULL}, /* TradingSessionID */
    {625, false, NULL}, /* TradingSessionSubID */
    {276, false, NULL}, /* QuoteCondition */
    {277, false, NULL}, /* TradeCondition */
    {282, false, NULL}, /* MDEntryOriginator */
    {283, false, NULL}, /* LocationID */
    {284, false, NULL}, /* DeskID */
    {286, false, NULL}, /* OpenCloseSettlFlag */
    {59, false, NULL}, /* TimeInForce */
    {432, false, NULL}, /* ExpireDate */
    {126, false, NULL}, /* ExpireTime */
    {110, false, NULL}, /* MinQty */
    {18, false, NULL}, /* ExecInst */
    {287, false, NULL}, /* SellerDays */
    {37, false, NULL}, /* OrderID */
    {299, false, NULL}, /* QuoteEntryID */
    {288, false, NULL}, /* MDEntryBuyer */
    {289, false, NULL}, /* MDEntrySeller */
    {346, false, NULL}, /* NumberOfOrders */
    {290, false, NULL}, /* MDEntryPositionNo */
    {546, false, NULL}, /* Scope */
    {811, false, NULL}, /* PriceDelta */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_group_def_t GROUP_268 = {268, G_268, COUNT(G_268)};
static const oms_fix_member_t G_534[] = {
    {41, false, NULL}, /* OrigClOrdID */
    {535, false, NULL}, /* AffectedOrderID */
    {536, false, NULL}, /* AffectedSecondaryOrderID */
};
static const oms_fix_group_def_t GROUP_534 = {534, G_534, COUNT(G_534)};
static const oms_fix_member_t G_627[] = {
    {628, false, NULL}, /* HopCompID */
    {629, false, NULL}, /* HopSendingTime */
    {630, false, NULL}, /* HopRefID */
};
static const oms_fix_group_def_t GROUP_627 = {627, G_627, COUNT(G_627)};
static const oms_fix_member_t HEADER[] = {
    {8, true, NULL}, /* BeginString */
    {9, true, NULL}, /* BodyLength */
    {35, true, NULL}, /* MsgType */
    {49, true, NULL}, /* SenderCompID */
    {56, true, NULL}, /* TargetCompID */
    {115, false, NULL}, /* OnBehalfOfCompID */
    {128, false, NULL}, /* DeliverToCompID */
    {90, false, NULL}, /* SecureDataLen */
    {91, false, NULL}, /* SecureData */
    {34, true, NULL}, /* MsgSeqNum */
    {50, false, NULL}, /* SenderSubID */
    {142, false, NULL}, /* SenderLocationID */
    {57, false, NULL}, /* TargetSubID */
    {143, false, NULL}, /* TargetLocationID */
    {116, false, NULL}, /* OnBehalfOfSubID */
    {144, false, NULL}, /* OnBehalfOfLocationID */
    {129, false, NULL}, /* DeliverToSubID */
    {145, false, NULL}, /* DeliverToLocationID */
    {43, false, NULL}, /* PossDupFlag */
    {97, false, NULL}, /* PossResend */
    {52, true, NULL}, /* SendingTime */
    {122, false, NULL}, /* OrigSendingTime */
    {212, false, NULL}, /* XmlDataLen */
    {213, false, NULL}, /* XmlData */
    {347, false, NULL}, /* MessageEncoding */
    {369, false, NULL}, /* LastMsgSeqNumProcessed */
    {627, false, &GROUP_627}, /* NoHops */
};
static const oms_fix_member_t TRAILER[] = {
    {93, false, NULL}, /* SignatureLength */
    {89, false, NULL}, /* Signature */
    {10, true, NULL}, /* CheckSum */
};
static const oms_fix_member_t M_D[] = {
    {11, true, NULL}, /* ClOrdID */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {1, false, NULL}, /* Account */
    {78, false, &GROUP_78}, /* NoAllocs */
    {21, false, NULL}, /* HandlInst */
    {18, false, NULL}, /* ExecInst */
    {110, false, NULL}, /* MinQty */
    {111, false, NULL}, /* MaxFloor */
    {100, false, NULL}, /* ExDestination */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, true, NULL}, /* Side */
    {60, true, NULL}, /* TransactTime */
    {38, false, NULL}, /* OrderQty */
    {152, false, NULL}, /* CashOrderQty */
    {516, false, NULL}, /* OrderPercent */
    {40, true, NULL}, /* OrdType */
    {44, false, NULL}, /* Price */
    {99, false, NULL}, /* StopPx */
    {211, false, NULL}, /* PegOffsetValue */
    {836, false, NULL}, /* PegOffsetType */
    {15, false, NULL}, /* Currency */
    {59, false, NULL}, /* TimeInForce */
    {432, false, NULL}, /* ExpireDate */
    {126, false, NULL}, /* ExpireTime */
    {528, false, NULL}, /* OrderCapacity */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
    {210, false, NULL}, /* MaxShow */
};
static const oms_fix_member_t M_F[] = {
    {41, true, NULL}, /* OrigClOrdID */
    {37, false, NULL}, /* OrderID */
    {11, true, NULL}, /* ClOrdID */
    {1, false, NULL}, /* Account */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, true, NULL}, /* Side */
    {60, true, NULL}, /* TransactTime */
    {38, false, NULL}, /* OrderQty */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_G[] = {
    {37, false, NULL}, /* OrderID */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {41, true, NULL}, /* OrigClOrdID */
    {11, true, NULL}, /* ClOrdID */
    {1, false, NULL}, /* Account */
    {21, false, NULL}, /* HandlInst */
    {18, false, NULL}, /* ExecInst */
    {110, false, NULL}, /* MinQty */
    {111, false, NULL}, /* MaxFloor */
    {100, false, NULL}, /* ExDestination */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, true, NULL}, /* Side */
    {60, true, NULL}, /* TransactTime */
    {38, false, NULL}, /* OrderQty */
    {152, false, NULL}, /* CashOrderQty */
    {516, false, NULL}, /* OrderPercent */
    {40, true, NULL}, /* OrdType */
    {44, false, NULL}, /* Price */
    {99, false, NULL}, /* StopPx */
    {211, false, NULL}, /* PegOffsetValue */
    {836, false, NULL}, /* PegOffsetType */
    {15, false, NULL}, /* Currency */
    {59, false, NULL}, /* TimeInForce */
    {432, false, NULL}, /* ExpireDate */
    {126, false, NULL}, /* ExpireTime */
    {528, false, NULL}, /* OrderCapacity */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
    {210, false, NULL}, /* MaxShow */
};
static const oms_fix_member_t M_H[] = {
    {37, false, NULL}, /* OrderID */
    {11, true, NULL}, /* ClOrdID */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {790, false, NULL}, /* OrdStatusReqID */
    {1, false, NULL}, /* Account */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, true, NULL}, /* Side */
};
static const oms_fix_member_t M_AF[] = {
    {584, true, NULL}, /* MassStatusReqID */
    {585, true, NULL}, /* MassStatusReqType */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {1, false, NULL}, /* Account */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, false, NULL}, /* Side */
};
static const oms_fix_member_t M_q[] = {
    {11, true, NULL}, /* ClOrdID */
    {530, true, NULL}, /* MassCancelRequestType */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, false, NULL}, /* Side */
    {60, true, NULL}, /* TransactTime */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_8[] = {
    {37, true, NULL}, /* OrderID */
    {198, false, NULL}, /* SecondaryOrderID */
    {11, false, NULL}, /* ClOrdID */
    {41, false, NULL}, /* OrigClOrdID */
    {790, false, NULL}, /* OrdStatusReqID */
    {584, false, NULL}, /* MassStatusReqID */
    {911, false, NULL}, /* TotNumReports */
    {912, false, NULL}, /* LastRptRequested */
    {453, false, &GROUP_453}, /* NoPartyIDs */
    {17, true, NULL}, /* ExecID */
    {19, false, NULL}, /* ExecRefID */
    {150, true, NULL}, /* ExecType */
    {39, true, NULL}, /* OrdStatus */
    {636, false, NULL}, /* WorkingIndicator */
    {103, false, NULL}, /* OrdRejReason */
    {378, false, NULL}, /* ExecRestatementReason */
    {1, false, NULL}, /* Account */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, true, NULL}, /* Side */
    {38, false, NULL}, /* OrderQty */
    {40, false, NULL}, /* OrdType */
    {44, false, NULL}, /* Price */
    {99, false, NULL}, /* StopPx */
    {15, false, NULL}, /* Currency */
    {59, false, NULL}, /* TimeInForce */
    {432, false, NULL}, /* ExpireDate */
    {126, false, NULL}, /* ExpireTime */
    {18, false, NULL}, /* ExecInst */
    {528, false, NULL}, /* OrderCapacity */
    {32, false, NULL}, /* LastQty */
    {31, false, NULL}, /* LastPx */
    {30, false, NULL}, /* LastMkt */
    {29, false, NULL}, /* LastCapacity */
    {151, true, NULL}, /* LeavesQty */
    {14, true, NULL}, /* CumQty */
    {6, true, NULL}, /* AvgPx */
    {60, false, NULL}, /* TransactTime */
    {21, false, NULL}, /* HandlInst */
    {110, false, NULL}, /* MinQty */
    {111, false, NULL}, /* MaxFloor */
    {210, false, NULL}, /* MaxShow */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
    {851, false, NULL}, /* LastLiquidityInd */
    {797, false, NULL}, /* CopyMsgIndicator */
};
static const oms_fix_member_t M_9[] = {
    {37, true, NULL}, /* OrderID */
    {198, false, NULL}, /* SecondaryOrderID */
    {11, true, NULL}, /* ClOrdID */
    {41, true, NULL}, /* OrigClOrdID */
    {39, true, NULL}, /* OrdStatus */
    {636, false, NULL}, /* WorkingIndicator */
    {1, false, NULL}, /* Account */
    {60, false, NULL}, /* TransactTime */
    {434, true, NULL}, /* CxlRejResponseTo */
    {102, false, NULL}, /* CxlRejReason */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_3[] = {
    {45, true, NULL}, /* RefSeqNum */
    {371, false, NULL}, /* RefTagID */
    {372, false, NULL}, /* RefMsgType */
    {373, false, NULL}, /* SessionRejectReason */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_j[] = {
    {45, false, NULL}, /* RefSeqNum */
    {372, true, NULL}, /* RefMsgType */
    {379, false, NULL}, /* BusinessRejectRefID */
    {380, true, NULL}, /* BusinessRejectReason */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_r[] = {
    {11, false, NULL}, /* ClOrdID */
    {37, true, NULL}, /* OrderID */
    {198, false, NULL}, /* SecondaryOrderID */
    {530, true, NULL}, /* MassCancelRequestType */
    {531, true, NULL}, /* MassCancelResponse */
    {532, false, NULL}, /* MassCancelRejectReason */
    {533, false, NULL}, /* TotalAffectedOrders */
    {534, false, &GROUP_534}, /* NoAffectedOrders */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {54, false, NULL}, /* Side */
    {60, false, NULL}, /* TransactTime */
    {58, false, NULL}, /* Text */
    {354, false, NULL}, /* EncodedTextLen */
    {355, false, NULL}, /* EncodedText */
};
static const oms_fix_member_t M_W[] = {
    {262, false, NULL}, /* MDReqID */
    {55, false, NULL}, /* Symbol */
    {48, false, NULL}, /* SecurityID */
    {22, false, NULL}, /* SecurityIDSource */
    {207, false, NULL}, /* SecurityExchange */
    {268, true, &GROUP_268}, /* NoMDEntries */
    {813, false, NULL}, /* ApplQueueDepth */
    {814, false, NULL}, /* ApplQueueResolution */
};
static const uint64_t DEFINED[OMS_FIX_TAG_WORDS] = {
    0xfff73ffffeeffffeu, 0xdfffdddfefbfefffu, 0xf0001fbfffffffffu,
    0xfffffffff7ffcfffu, 0x7bffffffffffffdfu, 0xfffbffffffffffffu,
    0xfe7fffffffffffffu, 0xfffffffffffdfff9u, 0xffffffffffffffffu,
    0xffffffffffffffffu, 0xffffdfffffffdfffu, 0xffffffffffffffffu,
    0x7ffffdffffffffffu, 0xffffffffffffffffu, 0x1fffffffffffffffu,
};
static const uint64_t ALLOWED_D[OMS_FIX_TAG_WORDS] = {
    0x9cc1114000e4b802u, 0x4324cc180003e843u, 0x0000018001001000u,
    0x80ff9fbff40ccf03u, 0x7bfe000000000001u, 0x03003c0cf0010000u,
    0x8019088000000034u, 0x0002400381f8fff1u, 0x00000003ec037812u,
    0x08020000000fe0e0u, 0x2f08000008f00001u, 0x0e00000100000080u,
    0x0000043c00100080u, 0x03fcfe1f0043df78u, 0x0008200000fe0004u,
};
static const uint64_t ALLOWED_F[OMS_FIX_TAG_WORDS] = {
    0x14c1026000400802u, 0x00000c0000000006u, 0x0000008001000000u,
    0x80ff809f8000c700u, 0x7bfe000000000001u, 0x01003c0cf0000000u,
    0x8018000000000000u, 0x0000000001f0fff1u, 0x00000000e0004810u,
    0x00000000000f04a0u, 0x0008000008100000u, 0x0c00000000000080u,
    0x0000040c00100000u, 0x03fcfe1f00000000u, 0x0008200000fe0004u,
};
static const uint64_t ALLOWED_G[OMS_FIX_TAG_WORDS] = {
    0x9cc113600064b802u, 0x4304cc180001e847u, 0x0000018001000000u,
    0x80ff98bff40ccf03u, 0x7bfe000000000001u, 0x03003c0cf0010000u,
    0x8019088000000034u, 0x0002400381f8fff1u, 0x00000003ec037812u,
    0x08020000000fe4e0u, 0x2f08000008f00001u, 0x0e00000100000080u,
    0x0000043c00100080u, 0x03fcfe1f0043df78u, 0x0008200000fe0004u,
};
static const uint64_t ALLOWED_H[OMS_FIX_TAG_WORDS] = {
    0x00c1002000400802u, 0x00000c0000000002u, 0x0000008000000000u,
    0x80ff809f8000c700u, 0x7bfe000000000001u, 0x00003c00f0000000u,
    0x8018000000000000u, 0x0000000001c0fff1u, 0x00000000e0004800u,
    0x00000000000f0080u, 0x0008000008100000u, 0x0c00000000000080u,
    0x0000040c00500000u, 0x03fcfe1f00000000u, 0x0008200000fe0004u,
};
static const uint64_t ALLOWED_AF[OMS_FIX_TAG_WORDS] = {
    0x00c1000000400002u, 0x00000c0000000002u, 0x0000008000000000u,
    0x80ff809f8000c700u, 0x7bfe000000000001u, 0x00003c00f0010000u,
    0x8018000000000000u, 0x0000000001c0fff1u, 0x00000000e0000800u,
    0x00020000000f0300u, 0x0008000008100000u, 0x0c00000000000000u,
    0x0000040c00000000u, 0x03fcfe1f00000000u, 0x0008200000000000u,
};
static const uint64_t ALLOWED_q[OMS_FIX_TAG_WORDS] = {
    0x14c1000000400800u, 0x00000c0000000002u, 0x0000008000000000u,
    0x80ff809f8000c700u, 0x7bfe000000000001u, 0x00003c0cf0010000u,
    0x0018000000000000u, 0x0000000001c0ffc0u, 0x00000000e0044000u,
    0x00020000000f0000u, 0x0008000008000000u, 0x0c00000000000000u,
    0x0000040000000000u, 0x03fcfe1f00000000u, 0x0008200000000000u,
};
static const uint64_t ALLOWED_8[OMS_FIX_TAG_WORDS] = {
    0x9cc113e1e06ef842u, 0x41c2cc8800002807u, 0x00000180f9c00f00u,
    0xfffffffff40cc74fu, 0x7bfe00000000001fu, 0x67803c0cf0030000u,
    0x84790f8000000030u, 0x0002403b81f0fff1u, 0x007018b3ec03fbdau,
    0xf803fffffffff9e0u, 0x2f2f880028d0d802u, 0x1e00001c00000080u,
    0x0000043c20500080u, 0x0bfcfe1f004ffff8u, 0x1808e00007ff8004u,
};
static const uint64_t ALLOWED_9[OMS_FIX_TAG_WORDS] = {
    0x140002a000000802u, 0x0000004000000804u, 0x0000000000000000u,
    0x0000002000000040u, 0x0000000000000000u, 0x0000000c00000000u,
    0x0004000000000000u, 0x0000000000000000u, 0x0000000000004000u,
    0x10000000000004a0u, 0x0000000000100000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
};
static const uint64_t ALLOWED_3[OMS_FIX_TAG_WORDS] = {
    0x0400200000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0038000c00000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
};
static const uint64_t ALLOWED_j[OMS_FIX_TAG_WORDS] = {
    0x0400200000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x1810000c00000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
};
static const uint64_t ALLOWED_r[OMS_FIX_TAG_WORDS] = {
    0x14c1022000400800u, 0x00000c0000000002u, 0x0000008000000000u,
    0x80ff809f8000c740u, 0x7bfe000000000001u, 0x00003c0cf0010000u,
    0x0018000000000000u, 0x0000000001c0ffc0u, 0x00000000e1fc4000u,
    0x00020000000f0000u, 0x0008000008000000u, 0x0c00000000000000u,
    0x0000040000000000u, 0x03fcfe1f00000000u, 0x0008200000000000u,
};
static const uint64_t ALLOWED_W[OMS_FIX_TAG_WORDS] = {
    0x0c81002000448000u, 0x40004c0000000002u, 0x0000008000000000u,
    0xffff809f8000c700u, 0x7bfe081fdc3ff043u, 0x00003c0cf4010000u,
    0x0019000000000000u, 0x0000000001c0ffc8u, 0x00001804e0000000u,
    0x0003ffffffff0000u, 0x0008000008000000u, 0x1c00001800000080u,
    0x00006c0000000000u, 0x03fcfe1f00000000u, 0x1808600000000000u,
};

/* ---------------------------------------------------------------------------------------------
 * Conditionally required fields, from the FIX 4.4 field descriptions ("Required for limit
 * OrdTypes", ...). A missing one is a BusinessMessageReject 380=5, as the spec prescribes.
 * ------------------------------------------------------------------------------------------- */

/* The Instrument component: FIX 4.4 wants Symbol, or SecurityID with its source. */
#define INSTRUMENT_RULES                                                                         \
    {0, 0, NULL, {55, 48, 0}, "the Instrument needs Symbol(55) or SecurityID(48)"},              \
        {0, 48, NULL, {22, 0, 0}, "SecurityID(48) needs SecurityIDSource(22)"}

static const oms_fix_rule_t R_INSTRUMENT[] = {INSTRUMENT_RULES};

static const oms_fix_rule_t R_ORDER[] = {
    INSTRUMENT_RULES,
    {0, 0, NULL, {38, 152, 516},
     "OrderQty(38), CashOrderQty(152) or OrderPercent(516) is required"},
    {0, 40, "2 4 7 8", {44, 0, 0}, "Price(44) is required for a limit OrdType(40)"},
    {0, 40, "3 4", {99, 0, 0}, "StopPx(99) is required for a stop OrdType(40)"},
    {0, 40, "P", {211, 0, 0}, "PegOffsetValue(211) is required for a pegged OrdType(40)"},
    {0, 59, "6", {126, 432, 0}, "TimeInForce(59)=6 (GTD) needs ExpireTime(126) or ExpireDate(432)"},
};

static const oms_fix_rule_t R_EXEC[] = {
    INSTRUMENT_RULES,
    {0, 150, "F G", {31, 0, 0}, "LastPx(31) is required when ExecType(150) is a trade"},
    {0, 150, "F G", {32, 0, 0}, "LastQty(32) is required when ExecType(150) is a trade"},
};

static const oms_fix_rule_t R_MASS_STATUS[] = {
    {0, 585, "1", {55, 48, 0}, "MassStatusReqType(585)=1 needs Symbol(55) or SecurityID(48)"},
    {0, 48, NULL, {22, 0, 0}, "SecurityID(48) needs SecurityIDSource(22)"},
};

static const oms_fix_rule_t R_MASS_CANCEL[] = {
    {0, 530, "1", {55, 48, 0}, "MassCancelRequestType(530)=1 needs Symbol(55) or SecurityID(48)"},
    {0, 48, NULL, {22, 0, 0}, "SecurityID(48) needs SecurityIDSource(22)"},
};

static const oms_fix_rule_t R_MASS_CANCEL_REPORT[] = {
    {0, 531, "0", {532, 0, 0}, "MassCancelResponse(531)=0 needs MassCancelRejectReason(532)"},
    {0, 48, NULL, {22, 0, 0}, "SecurityID(48) needs SecurityIDSource(22)"},
};

static const oms_fix_rule_t R_MD_SNAPSHOT[] = {
    INSTRUMENT_RULES,
    {268, 269, "0 1 2 3 4 5 6 7 8 9", {270, 0, 0},
     "MDEntryPx(270) is required unless MDEntryType(269) is A, B or C"},
};

#define MSG(t, mt, nm, id, members, rules, allowed)                                             \
    [t] = {t, mt, nm, id, members, COUNT(members), rules, COUNT(rules), allowed}
#define MSG_NORULES(t, mt, nm, id, members, allowed)                                            \
    [t] = {t, mt, nm, id, members, COUNT(members), NULL, 0, allowed}

static const oms_fix_msg_def_t MSGS[OMS_FIX_MSG_COUNT] = {
    MSG_NORULES(OMS_FIX_MSG_REJECT, "3", "Reject", 0, M_3, ALLOWED_3),
    MSG(OMS_FIX_MSG_EXECUTION_REPORT, "8", "ExecutionReport", 17, M_8, R_EXEC, ALLOWED_8),
    MSG_NORULES(OMS_FIX_MSG_ORDER_CANCEL_REJECT, "9", "OrderCancelReject", 11, M_9, ALLOWED_9),
    MSG(OMS_FIX_MSG_NEW_ORDER_SINGLE, "D", "NewOrderSingle", 11, M_D, R_ORDER, ALLOWED_D),
    MSG(OMS_FIX_MSG_ORDER_CANCEL_REQUEST, "F", "OrderCancelRequest", 11, M_F, R_INSTRUMENT,
        ALLOWED_F),
    MSG(OMS_FIX_MSG_ORDER_CANCEL_REPLACE, "G", "OrderCancelReplaceRequest", 11, M_G, R_ORDER,
        ALLOWED_G),
    MSG(OMS_FIX_MSG_ORDER_STATUS_REQUEST, "H", "OrderStatusRequest", 11, M_H, R_INSTRUMENT,
        ALLOWED_H),
    MSG(OMS_FIX_MSG_MD_SNAPSHOT, "W", "MarketDataSnapshotFullRefresh", 262, M_W, R_MD_SNAPSHOT,
        ALLOWED_W),
    MSG_NORULES(OMS_FIX_MSG_BUSINESS_REJECT, "j", "BusinessMessageReject", 0, M_j, ALLOWED_j),
    MSG(OMS_FIX_MSG_MASS_CANCEL_REQUEST, "q", "OrderMassCancelRequest", 11, M_q, R_MASS_CANCEL,
        ALLOWED_q),
    MSG(OMS_FIX_MSG_MASS_CANCEL_REPORT, "r", "OrderMassCancelReport", 37, M_r,
        R_MASS_CANCEL_REPORT, ALLOWED_r),
    MSG(OMS_FIX_MSG_MASS_STATUS_REQUEST, "AF", "OrderMassStatusRequest", 584, M_AF, R_MASS_STATUS,
        ALLOWED_AF),
};

#define TYPE_BIT(t) (1u << (t))
static const uint32_t FLOWS[OMS_FIX_FLOW_COUNT] = {
    [OMS_FIX_FROM_CLIENT] = TYPE_BIT(OMS_FIX_MSG_NEW_ORDER_SINGLE) |
                            TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REQUEST) |
                            TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REPLACE) |
                            TYPE_BIT(OMS_FIX_MSG_ORDER_STATUS_REQUEST) |
                            TYPE_BIT(OMS_FIX_MSG_MASS_STATUS_REQUEST) |
                            TYPE_BIT(OMS_FIX_MSG_MASS_CANCEL_REQUEST),
    [OMS_FIX_TO_CLIENT] = TYPE_BIT(OMS_FIX_MSG_EXECUTION_REPORT) |
                          TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REJECT) |
                          TYPE_BIT(OMS_FIX_MSG_REJECT) | TYPE_BIT(OMS_FIX_MSG_BUSINESS_REJECT) |
                          TYPE_BIT(OMS_FIX_MSG_MASS_CANCEL_REPORT),
    [OMS_FIX_TO_VENUE] = TYPE_BIT(OMS_FIX_MSG_NEW_ORDER_SINGLE) |
                         TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REQUEST) |
                         TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REPLACE),
    [OMS_FIX_FROM_VENUE] = TYPE_BIT(OMS_FIX_MSG_EXECUTION_REPORT) |
                           TYPE_BIT(OMS_FIX_MSG_ORDER_CANCEL_REJECT),
    [OMS_FIX_MARKET_DATA] = TYPE_BIT(OMS_FIX_MSG_MD_SNAPSHOT),
    [OMS_FIX_ANY_FLOW] = ((1u << OMS_FIX_MSG_COUNT) - 1) & ~TYPE_BIT(OMS_FIX_MSG_UNKNOWN),
};

static const char *const FLOW_NAMES[OMS_FIX_FLOW_COUNT] = {
    "from a client", "to a client", "to a venue", "from a venue", "on market data", "here",
};

/* Every FIX 4.4 DATA field and the LENGTH field that must immediately precede it. */
static const struct {
    int len_tag, data_tag;
} DATA_FIELDS[] = {
    {93, 89},   {90, 91},   {95, 96},   {212, 213}, {348, 349}, {350, 351}, {352, 353}, {354, 355},
    {356, 357}, {358, 359}, {360, 361}, {362, 363}, {364, 365}, {445, 446}, {618, 619}, {621, 622},
};

static const char *const TYPE_NAMES[OMS_FIX_TYPE_COUNT] = {
#define OMS__FIX_TYPE_NAME(t) #t,
    OMS_FIX_TYPES(OMS__FIX_TYPE_NAME)
#undef OMS__FIX_TYPE_NAME
};

static const char *const GARBLE_NAMES[OMS_FIX_GARBLE_COUNT] = {
#define OMS__FIX_GARBLE_NAME(c, n) n,
    OMS_FIX_GARBLES(OMS__FIX_GARBLE_NAME)
#undef OMS__FIX_GARBLE_NAME
};

/* ---------------------------------------------------------------------------------------------
 * Table look-ups
 * ------------------------------------------------------------------------------------------- */

static bool bit_get(const uint64_t *bm, int tag)
{
    return tag >= 0 && tag <= OMS_FIX44_MAX_TAG && ((bm[tag / 64] >> (tag % 64)) & 1u);
}

static void bit_set(uint64_t *bm, int tag)
{
    if (tag >= 0 && tag <= OMS_FIX44_MAX_TAG)
        bm[tag / 64] |= (uint64_t)1 << (tag % 64);
}

const char *oms_fix_type_name(oms_fix_type_t t)
{
    return (unsigned)t < OMS_FIX_TYPE_COUNT ? TYPE_NAMES[t] : "?";
}

const char *oms_fix_garble_name(oms_fix_garble_t g)
{
    return (unsigned)g < OMS_FIX_GARBLE_COUNT ? GARBLE_NAMES[g] : "?";
}

const oms_fix_msg_def_t *oms_fix_msg_def(oms_fix_msgtype_t t)
{
    if (t <= OMS_FIX_MSG_UNKNOWN || t >= OMS_FIX_MSG_COUNT)
        return NULL;
    return &MSGS[t];
}

const oms_fix_member_t *oms_fix_header_members(size_t *n)
{
    *n = COUNT(HEADER);
    return HEADER;
}

const oms_fix_member_t *oms_fix_trailer_members(size_t *n)
{
    *n = COUNT(TRAILER);
    return TRAILER;
}

const oms_fix_field_def_t *oms_fix_field_defs(size_t *n)
{
    *n = COUNT(FIELDS);
    return FIELDS;
}

const oms_fix_field_def_t *oms_fix_field_def(int tag)
{
    size_t lo = 0, hi = COUNT(FIELDS);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (FIELDS[mid].tag < tag)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < COUNT(FIELDS) && FIELDS[lo].tag == tag ? &FIELDS[lo] : NULL;
}

oms_fix_msgtype_t oms_fix_msgtype_of(const char *s, size_t len)
{
    for (int t = OMS_FIX_MSG_UNKNOWN + 1; t < OMS_FIX_MSG_COUNT; t++) {
        const char *mt = MSGS[t].msg_type;
        if (strlen(mt) == len && memcmp(mt, s, len) == 0)
            return (oms_fix_msgtype_t)t;
    }
    return OMS_FIX_MSG_UNKNOWN;
}

const char *const *oms_fix44_msg_types(void)
{
    return E_35;
}

bool oms_fix44_tag_defined(int tag)
{
    return bit_get(DEFINED, tag);
}

int oms_fix_data_length_tag(int data_tag)
{
    for (size_t i = 0; i < COUNT(DATA_FIELDS); i++)
        if (DATA_FIELDS[i].data_tag == data_tag)
            return DATA_FIELDS[i].len_tag;
    return 0;
}

/* The DATA field a LENGTH field announces, 0 when it announces none. */
static int data_tag_of_length(int len_tag)
{
    for (size_t i = 0; i < COUNT(DATA_FIELDS); i++)
        if (DATA_FIELDS[i].len_tag == len_tag)
            return DATA_FIELDS[i].data_tag;
    return 0;
}

bool oms_fix_flow_accepts(oms_fix_flow_t flow, oms_fix_msgtype_t t)
{
    if ((unsigned)flow >= OMS_FIX_FLOW_COUNT || t <= OMS_FIX_MSG_UNKNOWN || t >= OMS_FIX_MSG_COUNT)
        return false;
    return (FLOWS[flow] >> t) & 1u;
}

static const oms_fix_member_t *find_member(const oms_fix_member_t *ms, size_t n, int tag,
                                           size_t *pos)
{
    for (size_t i = 0; i < n; i++)
        if (ms[i].tag == tag) {
            if (pos)
                *pos = i;
            return &ms[i];
        }
    return NULL;
}

/* The modelled group (among members, at any depth) that has tag as a member or count field. */
static const oms_fix_group_def_t *group_with(const oms_fix_member_t *ms, size_t n, int tag,
                                             bool count_field)
{
    for (size_t i = 0; i < n; i++) {
        const oms_fix_group_def_t *g = ms[i].group;
        if (!g)
            continue;
        bool hit = count_field ? g->count_tag == tag
                               : find_member(g->members, g->nmembers, tag, NULL) != NULL;
        if (hit)
            return g;
        const oms_fix_group_def_t *inner = group_with(g->members, g->nmembers, tag, count_field);
        if (inner)
            return inner;
    }
    return NULL;
}

static const char *tag_name(int tag)
{
    const oms_fix_field_def_t *d = oms_fix_field_def(tag);
    return d ? d->name : "tag";
}

/* ---------------------------------------------------------------------------------------------
 * Numbers, dates and times: text to value, exactly
 * ------------------------------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* digits only, no sign; 0 or -EINVAL or OMS_EOVERFLOW */
static int parse_u64(const char *s, size_t n, uint64_t limit, uint64_t *out)
{
    if (n == 0)
        return -EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -EINVAL;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return OMS_EOVERFLOW;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_i64(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    uint64_t mag;
    int rc = parse_u64(s + neg, n - neg, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &mag);
    if (rc < 0)
        return rc;
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

/* FIX's decimal syntax: [-]digits[.digits], at least one digit, no '+', no exponent. */
static bool decimal_syntax(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '-', digits = 0;
    for (; i < n && is_digit(s[i]); i++)
        digits++;
    if (i < n && s[i] == '.') {
        size_t frac = 0;
        for (i++; i < n && is_digit(s[i]); i++)
            frac++;
        if (frac == 0)
            return false;
        digits += frac;
    }
    return digits > 0 && i == n;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t days_in_month(int64_t y, int64_t m)
{
    static const int8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool fixed_digits(const char *s, size_t k, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = 0; i < k; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* YYYYMMDD (UTCDateOnly, LocalMktDate) to days since the epoch. */
static bool parse_date(const char *s, size_t n, int64_t *days)
{
    int64_t y, m, d;
    if (n != 8 || !fixed_digits(s, 4, &y) || !fixed_digits(s + 4, 2, &m) ||
        !fixed_digits(s + 6, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

/* HH:MM:SS or HH:MM:SS.sss (UTCTimeOnly) to seconds into the day and nanoseconds past them;
 * SS may be 60 (a leap second, which reads as the next second's start). */
static bool parse_time(const char *s, size_t n, int64_t *secs, int64_t *frac_ns)
{
    int64_t h, mi, sec, ms = 0;
    if (n != 8 && n != 12)
        return false;
    if (!fixed_digits(s, 2, &h) || s[2] != ':' || !fixed_digits(s + 3, 2, &mi) || s[5] != ':' ||
        !fixed_digits(s + 6, 2, &sec))
        return false;
    if (n == 12 && (s[8] != '.' || !fixed_digits(s + 9, 3, &ms)))
        return false;
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    *secs = (h * 60 + mi) * 60 + sec;
    *frac_ns = ms * 1000000;
    return true;
}

/* UTCTimestamp: YYYYMMDD-HH:MM:SS[.sss]. -EINVAL, OMS_EOVERFLOW (outside int64 nanoseconds, that
 * is before 1677 or after 2262), or 0. */
static int parse_utc(const char *s, size_t n, int64_t *out)
{
    int64_t days, tod, frac, ns;
    if (n < 9 || s[8] != '-' || !parse_date(s, 8, &days) ||
        !parse_time(s + 9, n - 9, &tod, &frac))
        return -EINVAL;
    int64_t secs = days * 86400 + tod; /* |days| < 4 * 10^6: no overflow */
    if (secs < 0 && frac > 0) {
        /* borrow, so that a time just above INT64_MIN ns does not overflow on the way there */
        secs++;
        frac -= 1000000000;
    }
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) ||
        __builtin_add_overflow(ns, frac, &ns))
        return OMS_EOVERFLOW;
    *out = ns;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Reject reports
 * ------------------------------------------------------------------------------------------- */

static void reject_reset(oms_fix_reject_t *why)
{
    why->verdict = OMS_FIX_VALID;
    why->garble = OMS_FIX_GARBLE_NONE;
    why->ref_tag = 0;
    why->session_reason = -1;
    why->business_reason = -1;
    why->ref_seq_num = 0;
    why->ref_msg_type[0] = '\0';
    why->ref_id[0] = '\0';
    why->text[0] = '\0';
}

/* Copies input bytes for a reject: printable ASCII only, so the text can go back on the wire. */
static void copy_printable(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = n < cap - 1 ? n : cap - 1;
    for (size_t i = 0; i < k; i++)
        dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    dst[k] = '\0';
}

/* A value shown inside a reject's text: printable, and cut at 24 bytes. */
typedef struct shown {
    char s[32];
} shown_t;

static shown_t show(const char *v, size_t n)
{
    shown_t r;
    if (n > 24) {
        copy_printable(r.s, 25, v, 24);
        memcpy(r.s + 24, "...", 4);
    } else {
        copy_printable(r.s, sizeof r.s, v, n);
    }
    return r;
}

static shown_t show_field(const oms_fix_field_t *f)
{
    return show(f->value, f->len);
}

static void set_text(oms_fix_reject_t *why, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void set_text(oms_fix_reject_t *why, const char *fmt, va_list ap)
{
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    /* formats only ever take printable input, but keep the promise whatever a format does */
    copy_printable(why->text, sizeof why->text, why->text, strlen(why->text));
}

/* Best-effort 34= and 35= from a garbled frame, for the Reject's RefSeqNum and RefMsgType. */
static void garbled_refs(const char *p, size_t len, oms_fix_reject_t *why)
{
    bool seq_found = false, type_found = false;
    for (size_t i = 0; i + 4 <= len && !(seq_found && type_found); i++) {
        if (p[i] != OMS_FIX_SOH || p[i + 1] != '3' || (p[i + 2] != '4' && p[i + 2] != '5') ||
            p[i + 3] != '=')
            continue;
        size_t v = i + 4, e = v;
        while (e < len && p[e] != OMS_FIX_SOH)
            e++;
        if (p[i + 2] == '4' && !seq_found) {
            uint64_t seq;
            seq_found = true;
            if (parse_u64(p + v, e - v, INT64_MAX, &seq) == 0)
                why->ref_seq_num = (int64_t)seq;
        } else if (p[i + 2] == '5' && !type_found) {
            type_found = true;
            copy_printable(why->ref_msg_type, sizeof why->ref_msg_type, p + v, e - v);
        }
    }
}

static int garbled(const oms_fix_msg_t *m, oms_fix_reject_t *why, oms_fix_garble_t g, int ref_tag,
                   int srr, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int garbled(const oms_fix_msg_t *m, oms_fix_reject_t *why, oms_fix_garble_t g, int ref_tag,
                   int srr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_text(why, fmt, ap);
    va_end(ap);
    why->verdict = OMS_FIX_GARBLED;
    why->garble = g;
    why->ref_tag = ref_tag;
    why->session_reason = srr;
    garbled_refs(m->buf, m->len, why);
    if (g == OMS_FIX_GARBLE_TOO_MANY_FIELDS)
        return OMS_SET_ERR(OMS_EFULL, "FIX framing (%s): %s", GARBLE_NAMES[g], why->text);
    return OMS_CORRUPT("FIX framing (%s): %s", GARBLE_NAMES[g], why->text);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing: framing, then the split into fields
 * ------------------------------------------------------------------------------------------- */

unsigned oms_fix_checksum(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += b[i];
    return sum % 256;
}

/* "10=nnn<SOH>" at t (7 bytes available) */
static bool is_trailer(const char *t)
{
    return t[0] == '1' && t[1] == '0' && t[2] == '=' && is_digit(t[3]) && is_digit(t[4]) &&
           is_digit(t[5]) && t[6] == OMS_FIX_SOH;
}

int oms_fix_parse(oms_fix_msg_t *m, oms_fix_field_t *fields, size_t cap, const void *buf,
                  size_t len, oms_fix_reject_t *why)
{
    static const char begin[] = "8=" OMS_FIX_BEGIN_STRING "\x01";
    const size_t blen = sizeof begin - 1;
    oms_fix_reject_t scratch;
    const char *p = buf;

    if (!why)
        why = &scratch;
    reject_reset(why);
    m->buf = p;
    m->len = len;
    m->fields = fields;
    m->nfields = 0;
    m->cap = cap;
    m->type = OMS_FIX_MSG_UNKNOWN;
    if (cap < 4)
        return OMS_SET_ERR(-EINVAL, "FIX parse: a field array of %zu cannot hold a message", cap);

    if (len < blen || memcmp(p, begin, blen) != 0) {
        if (len >= 2 && p[0] == '8' && p[1] == '=') {
            const char *e = memchr(p + 2, OMS_FIX_SOH, len - 2);
            size_t n = e ? (size_t)(e - p) - 2 : len - 2;
            return garbled(m, why, OMS_FIX_GARBLE_BEGIN_STRING, 8, OMS_FIX_SRR_VALUE_INCORRECT,
                           "BeginString(8) is '%s', not " OMS_FIX_BEGIN_STRING,
                           show(p + 2, n).s);
        }
        return garbled(m, why, OMS_FIX_GARBLE_BEGIN_STRING, 8, OMS_FIX_SRR_OUT_OF_ORDER,
                       "the frame does not start with 8=" OMS_FIX_BEGIN_STRING);
    }
    if (p[len - 1] != OMS_FIX_SOH)
        return garbled(m, why, OMS_FIX_GARBLE_NOT_SOH_TERMINATED, 0, OMS_FIX_SRR_OTHER,
                       "the frame does not end with SOH");

    /* 9=BodyLength; the frame ends with SOH, so the scan for its end stops inside the frame */
    size_t i = blen;
    if (len < blen + 2 || p[i] != '9' || p[i + 1] != '=')
        return garbled(m, why, OMS_FIX_GARBLE_BODY_LENGTH_MISSING, 9, OMS_FIX_SRR_OUT_OF_ORDER,
                       "the second field is not BodyLength(9)");
    i += 2;
    const size_t n9_at = i;
    while (p[i] != OMS_FIX_SOH)
        i++;
    const size_t n9 = i - n9_at;
    uint64_t body_len;
    if (n9 > 9 || parse_u64(p + n9_at, n9, UINT64_MAX, &body_len) < 0)
        return garbled(m, why, OMS_FIX_GARBLE_BODY_LENGTH_FORMAT, 9, OMS_FIX_SRR_DATA_FORMAT,
                       "BodyLength(9) '%s' is not 1 to 9 digits", show(p + n9_at, n9).s);
    const size_t body_start = i + 1;
    const size_t body_end = body_start + (size_t)body_len;

    /* 10=CheckSum, where BodyLength says it starts, right after a SOH (the one ending 9= when
     * the body is empty): every scan of the body below then stops at a SOH inside it */
    if (body_end + 7 <= len && p[body_end - 1] == OMS_FIX_SOH && is_trailer(p + body_end)) {
        if (body_end + 7 != len)
            return garbled(m, why, OMS_FIX_GARBLE_TRAILING_DATA, 10, OMS_FIX_SRR_OUT_OF_ORDER,
                           "%zu bytes follow CheckSum(10)", len - body_end - 7);
    } else {
        /* say why by the frame's last field */
        size_t q = len - 1;
        while (p[q - 1] != OMS_FIX_SOH)
            q--;
        size_t lastn = len - 1 - q;
        if (lastn < 3 || memcmp(p + q, "10=", 3) != 0)
            return garbled(m, why, OMS_FIX_GARBLE_CHECKSUM_MISSING, 10,
                           OMS_FIX_SRR_REQUIRED_MISSING, "the last field is not CheckSum(10)");
        if (lastn != 6 || !is_trailer(p + q))
            return garbled(m, why, OMS_FIX_GARBLE_CHECKSUM_FORMAT, 10, OMS_FIX_SRR_DATA_FORMAT,
                           "CheckSum(10) '%s' is not three digits", show(p + q + 3, lastn - 3).s);
        return garbled(m, why, OMS_FIX_GARBLE_BODY_LENGTH_MISMATCH, 9,
                       OMS_FIX_SRR_VALUE_INCORRECT,
                       "BodyLength(9) is %" PRIu64 " but the body is %zu bytes", body_len,
                       q < body_start ? 0 : q - body_start);
    }
    unsigned declared = (unsigned)((p[body_end + 3] - '0') * 100 + (p[body_end + 4] - '0') * 10 +
                                   (p[body_end + 5] - '0'));
    unsigned actual = oms_fix_checksum(p, body_end);
    if (declared != actual)
        return garbled(m, why, OMS_FIX_GARBLE_CHECKSUM_MISMATCH, 10, OMS_FIX_SRR_VALUE_INCORRECT,
                       "CheckSum(10) is %03u but the bytes sum to %03u", declared, actual);

    /* the fields: 8 and 9 as parsed, then the body, then 10 */
    fields[0] = (oms_fix_field_t){8, (uint32_t)(blen - 3), p + 2};
    fields[1] = (oms_fix_field_t){9, (uint32_t)n9, p + n9_at};
    size_t n = 2, pos = body_start;
    while (pos < body_end) {
        const size_t t0 = pos;
        while (p[pos] != '=' && p[pos] != OMS_FIX_SOH)
            pos++;
        if (p[pos] == OMS_FIX_SOH)
            return garbled(m, why, OMS_FIX_GARBLE_NO_EQUALS, 0, OMS_FIX_SRR_OTHER,
                           "field %zu ('%s') has no '='", n + 1, show(p + t0, pos - t0).s);
        uint64_t tag64;
        int rc = parse_u64(p + t0, pos - t0, UINT64_MAX, &tag64);
        if (rc == -EINVAL)
            return garbled(m, why, OMS_FIX_GARBLE_TAG_NOT_NUMERIC, 0, OMS_FIX_SRR_INVALID_TAG,
                           "field %zu has tag '%s', not a number", n + 1,
                           show(p + t0, pos - t0).s);
        if (rc < 0 || pos - t0 > 9 || p[t0] == '0')
            return garbled(m, why, OMS_FIX_GARBLE_TAG_INVALID, 0, OMS_FIX_SRR_INVALID_TAG,
                           "field %zu has tag '%s' (zero, a leading zero or over 9 digits)",
                           n + 1, show(p + t0, pos - t0).s);
        const int tag = (int)tag64;
        const size_t v0 = ++pos;
        size_t vend;
        const int len_tag = oms_fix_data_length_tag(tag);
        if (len_tag && fields[n - 1].tag == len_tag) {
            /* a data field: exactly the announced bytes, which may hold SOH */
            uint64_t dl;
            if (fields[n - 1].len > 9 ||
                parse_u64(fields[n - 1].value, fields[n - 1].len, UINT64_MAX, &dl) < 0)
                return garbled(m, why, OMS_FIX_GARBLE_DATA_LENGTH, len_tag,
                               OMS_FIX_SRR_DATA_FORMAT, "%s(%d) '%s' is not a length",
                               tag_name(len_tag), len_tag, show_field(&fields[n - 1]).s);
            if (dl >= body_end - v0 || p[v0 + dl] != OMS_FIX_SOH)
                return garbled(m, why, OMS_FIX_GARBLE_DATA_LENGTH, tag,
                               OMS_FIX_SRR_VALUE_INCORRECT,
                               "%s(%d) does not end with SOH after the %" PRIu64
                               " bytes %s(%d) gives",
                               tag_name(tag), tag, dl, tag_name(len_tag), len_tag);
            vend = v0 + (size_t)dl;
        } else {
            vend = (size_t)((const char *)memchr(p + v0, OMS_FIX_SOH, body_end - v0) - p);
        }
        if (vend == v0)
            return garbled(m, why, OMS_FIX_GARBLE_EMPTY_VALUE, tag, OMS_FIX_SRR_NO_VALUE,
                           "%s(%d) has an empty value", tag_name(tag), tag);
        if (n + 1 >= cap)
            return garbled(m, why, OMS_FIX_GARBLE_TOO_MANY_FIELDS, 0, OMS_FIX_SRR_OTHER,
                           "more than %zu fields", cap);
        fields[n++] = (oms_fix_field_t){tag, (uint32_t)(vend - v0), p + v0};
        if (n == 3 && tag != 35)
            return garbled(m, why, OMS_FIX_GARBLE_MSG_TYPE_NOT_THIRD, 35,
                           OMS_FIX_SRR_OUT_OF_ORDER, "the third field is %s(%d), not MsgType(35)",
                           tag_name(tag), tag);
        pos = vend + 1;
    }
    if (n < 3)
        return garbled(m, why, OMS_FIX_GARBLE_MSG_TYPE_NOT_THIRD, 35, OMS_FIX_SRR_REQUIRED_MISSING,
                       "the message has no MsgType(35)");
    fields[n++] = (oms_fix_field_t){10, 3, p + body_end + 3};
    m->nfields = n;
    m->type = oms_fix_msgtype_of(fields[2].value, fields[2].len);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Typed access
 * ------------------------------------------------------------------------------------------- */

const oms_fix_field_t *oms_fix_find(const oms_fix_msg_t *m, int tag)
{
    size_t i = oms_fix_find_from(m, tag, 0);
    return i < m->nfields ? &m->fields[i] : NULL;
}

size_t oms_fix_find_from(const oms_fix_msg_t *m, int tag, size_t from)
{
    for (size_t i = from; i < m->nfields; i++)
        if (m->fields[i].tag == tag)
            return i;
    return m->nfields;
}

bool oms_fix_field_is(const oms_fix_field_t *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->value, s, n) == 0;
}

int oms_fix_field_int(const oms_fix_field_t *f, int64_t *out)
{
    return parse_i64(f->value, f->len, out);
}

int oms_fix_field_decimal(const oms_fix_field_t *f, int64_t *out)
{
    if (!decimal_syntax(f->value, f->len))
        return -EINVAL;
    return oms_dec_parse(f->value, f->len, out);
}

int oms_fix_field_char(const oms_fix_field_t *f, char *out)
{
    if (f->len != 1)
        return -EINVAL;
    *out = f->value[0];
    return 0;
}

int oms_fix_field_utc(const oms_fix_field_t *f, int64_t *ns)
{
    return parse_utc(f->value, f->len, ns);
}

int oms_fix_field_copy(const oms_fix_field_t *f, char *dst, size_t cap)
{
    if (cap == 0 || f->len > cap - 1)
        return OMS_EFULL;
    memcpy(dst, f->value, f->len);
    dst[f->len] = '\0';
    return 0;
}

#define GETTER(name, type)                                                                       \
    int oms_fix_get_##name(const oms_fix_msg_t *m, int tag, type *out)                           \
    {                                                                                            \
        const oms_fix_field_t *f = oms_fix_find(m, tag);                                         \
        return f ? oms_fix_field_##name(f, out) : OMS_ENOTFOUND;                                 \
    }
GETTER(int, int64_t)
GETTER(decimal, int64_t)
GETTER(char, char)
GETTER(utc, int64_t)
#undef GETTER

int oms_fix_get_copy(const oms_fix_msg_t *m, int tag, char *dst, size_t cap)
{
    const oms_fix_field_t *f = oms_fix_find(m, tag);
    return f ? oms_fix_field_copy(f, dst, cap) : OMS_ENOTFOUND;
}

/* The index after the group whose count field is at index i: its members, nested groups
 * included, up to the first field that is not one. */
static size_t group_end(const oms_fix_msg_t *m, const oms_fix_group_def_t *g, size_t i)
{
    size_t j = i + 1, end = m->nfields - 1;
    const oms_fix_member_t *mb;
    while (j < end && (mb = find_member(g->members, g->nmembers, m->fields[j].tag, NULL)))
        j = mb->group ? group_end(m, mb->group, j) : j + 1;
    return j;
}

int oms_fix_group(const oms_fix_msg_t *m, int count_tag, size_t from, oms_fix_span_t *spans,
                  size_t cap, size_t *n)
{
    const oms_fix_msg_def_t *def = oms_fix_msg_def(m->type);
    const oms_fix_group_def_t *g = group_with(HEADER, COUNT(HEADER), count_tag, true);
    if (!g && def)
        g = group_with(def->members, def->nmembers, count_tag, true);
    if (!g)
        return OMS_SET_ERR(-EINVAL, "FIX: no repeating group %s(%d) in 35=%s",
                           tag_name(count_tag), count_tag, def ? def->msg_type : "?");
    size_t i = oms_fix_find_from(m, count_tag, from), end = m->nfields - 1, k = 0;
    if (i >= end)
        return OMS_ENOTFOUND;
    size_t j = i + 1, pos;
    const oms_fix_member_t *mb;
    while (j < end && (mb = find_member(g->members, g->nmembers, m->fields[j].tag, &pos))) {
        if (pos == 0) {
            if (k == cap)
                return OMS_SET_ERR(OMS_EFULL, "FIX: %s(%d) has more than %zu instances",
                                   tag_name(count_tag), count_tag, cap);
            spans[k++].first = j;
        } else if (k == 0) {
            break; /* not validated: an instance that does not start with the first field */
        }
        j = mb->group ? group_end(m, mb->group, j) : j + 1;
        spans[k - 1].end = j;
    }
    *n = k;
    return 0;
}

const oms_fix_field_t *oms_fix_find_in(const oms_fix_msg_t *m, oms_fix_span_t span, int tag)
{
    for (size_t i = span.first; i < span.end && i < m->nfields; i++)
        if (m->fields[i].tag == tag)
            return &m->fields[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Validation
 * ------------------------------------------------------------------------------------------- */

typedef struct vstate {
    const oms_fix_msg_t *m;
    const oms_fix_msg_def_t *def; /* NULL: the body is not examined (unsupported MsgType) */
    oms_fix_reject_t *why;
    uint64_t seen[OMS_FIX_TAG_WORDS]; /* header and top-level modelled tags met so far */
    const oms_fix_rule_t *pending;    /* the first failed rule of a group instance */
} vstate_t;

static int vfail(vstate_t *st, oms_fix_verdict_t verdict, int reason, int ref_tag,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int vfail(vstate_t *st, oms_fix_verdict_t verdict, int reason, int ref_tag,
                 const char *fmt, ...)
{
    oms_fix_reject_t *why = st->why;
    va_list ap;
    va_start(ap, fmt);
    set_text(why, fmt, ap);
    va_end(ap);
    why->verdict = verdict;
    why->ref_tag = ref_tag;
    if (verdict == OMS_FIX_SESSION_REJECT)
        why->session_reason = reason;
    else
        why->business_reason = reason;
    return OMS_SET_ERR(OMS_ECORRUPT, "FIX 35=%s %s %d: %s", why->ref_msg_type,
                       verdict == OMS_FIX_SESSION_REJECT ? "session reject 373=" :
                                                           "business reject 380=",
                       reason, why->text);
}

#define REJECT(st, srr, tag, ...) vfail((st), OMS_FIX_SESSION_REJECT, (srr), (tag), __VA_ARGS__)

/* A value against its field's type, enumeration and range. i indexes the field in the message. */
static int check_value(vstate_t *st, size_t i)
{
    const oms_fix_field_t *f = &st->m->fields[i];
    const oms_fix_field_def_t *d = oms_fix_field_def(f->tag);
    const char *v = f->value;
    const size_t n = f->len;
    int64_t num = 0, frac;
    bool numeric = false;
    int rc;

    switch (d->type) {
    case OMS_FIX_T_INT:
    case OMS_FIX_T_LENGTH:
    case OMS_FIX_T_SEQNUM:
    case OMS_FIX_T_NUMINGROUP:
        rc = oms_fix_field_int(f, &num);
        if (rc == -EINVAL || (d->type != OMS_FIX_T_INT && v[0] == '-'))
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag, "%s(%d) '%s' is not %s", d->name,
                          f->tag, show_field(f).s,
                          d->type == OMS_FIX_T_INT ? "an integer" : "a non-negative integer");
        if (rc < 0)
            return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag, "%s(%d) '%s' is out of range",
                          d->name, f->tag, show_field(f).s);
        if (d->type == OMS_FIX_T_NUMINGROUP && num == 0)
            return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag,
                          "%s(%d) is 0: a group that is present has at least one instance",
                          d->name, f->tag);
        numeric = true;
        break;
    case OMS_FIX_T_QTY:
    case OMS_FIX_T_PRICE:
    case OMS_FIX_T_PRICEOFFSET:
    case OMS_FIX_T_AMT:
    case OMS_FIX_T_PERCENTAGE:
    case OMS_FIX_T_FLOAT:
        if (!decimal_syntax(v, n))
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag, "%s(%d) '%s' is not a decimal",
                          d->name, f->tag, show_field(f).s);
        rc = oms_dec_parse(v, n, &num);
        if (rc < 0)
            return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag, "%s(%d) '%s' %s", d->name,
                          f->tag, show_field(f).s,
                          rc == OMS_EOVERFLOW ? "is out of range" :
                                                "is not exact at 8 decimal places");
        numeric = true;
        break;
    case OMS_FIX_T_CHAR:
        if (n != 1 || v[0] <= 0x20 || v[0] >= 0x7f)
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag, "%s(%d) '%s' is not one character",
                          d->name, f->tag, show_field(f).s);
        break;
    case OMS_FIX_T_BOOLEAN:
        if (n != 1 || (v[0] != 'Y' && v[0] != 'N'))
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag, "%s(%d) '%s' is not Y or N",
                          d->name, f->tag, show_field(f).s);
        break;
    case OMS_FIX_T_STRING:
    case OMS_FIX_T_MULTIPLEVALUESTRING:
    case OMS_FIX_T_EXCHANGE:
        /* any byte but control characters: FIX strings exclude only SOH, but a NUL or an escape
         * in a ClOrdID is an attack on whoever prints or stores it later */
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)v[k] < 0x20 || v[k] == 0x7f)
                return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag,
                              "%s(%d) holds control character 0x%02x at byte %zu", d->name,
                              f->tag, (unsigned char)v[k], k);
        break;
    case OMS_FIX_T_CURRENCY:
        if (n != 3 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' || v[2] < 'A' ||
            v[2] > 'Z')
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag,
                          "%s(%d) '%s' is not an ISO 4217 code", d->name, f->tag,
                          show_field(f).s);
        break;
    case OMS_FIX_T_UTCTIMESTAMP:
        rc = parse_utc(v, n, &num);
        if (rc == -EINVAL)
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag,
                          "%s(%d) '%s' is not YYYYMMDD-HH:MM:SS[.sss]", d->name, f->tag,
                          show_field(f).s);
        if (rc < 0)
            return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag,
                          "%s(%d) '%s' is outside the years 1677-2262", d->name, f->tag,
                          show_field(f).s);
        break;
    case OMS_FIX_T_UTCDATEONLY:
    case OMS_FIX_T_LOCALMKTDATE:
        if (!parse_date(v, n, &num))
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag, "%s(%d) '%s' is not a YYYYMMDD date",
                          d->name, f->tag, show_field(f).s);
        break;
    case OMS_FIX_T_UTCTIMEONLY:
        if (!parse_time(v, n, &num, &frac))
            return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag,
                          "%s(%d) '%s' is not HH:MM:SS[.sss]", d->name, f->tag, show_field(f).s);
        break;
    case OMS_FIX_T_DATA:
        if (i == 0 || st->m->fields[i - 1].tag != oms_fix_data_length_tag(f->tag))
            return REJECT(st, OMS_FIX_SRR_OUT_OF_ORDER, f->tag,
                          "%s(%d) must immediately follow its length %s(%d)", d->name, f->tag,
                          tag_name(oms_fix_data_length_tag(f->tag)),
                          oms_fix_data_length_tag(f->tag));
        break;
    case OMS_FIX_TYPE_COUNT:
        break;
    }
    if (d->type == OMS_FIX_T_LENGTH) {
        int data_tag = data_tag_of_length(f->tag);
        if (data_tag && st->m->fields[i + 1].tag != data_tag)
            return REJECT(st, OMS_FIX_SRR_OUT_OF_ORDER, f->tag,
                          "%s(%d) must be immediately followed by %s(%d)", d->name, f->tag,
                          tag_name(data_tag), data_tag);
    }

    if (d->values) {
        /* MULTIPLEVALUESTRING: space-separated values, each from the enumeration */
        const bool multi = d->type == OMS_FIX_T_MULTIPLEVALUESTRING;
        size_t a = 0;
        while (a <= n) {
            size_t b = a;
            while (multi && b < n && v[b] != ' ')
                b++;
            if (!multi)
                b = n;
            if (b == a)
                return REJECT(st, OMS_FIX_SRR_DATA_FORMAT, f->tag,
                              "%s(%d) '%s' has an empty value between spaces", d->name, f->tag,
                              show_field(f).s);
            const char *const *e = d->values;
            while (*e && (strlen(*e) != b - a || memcmp(*e, v + a, b - a) != 0))
                e++;
            if (!*e)
                return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag,
                              "%s(%d) '%s' is not a FIX 4.4 value", d->name, f->tag,
                              show(v + a, b - a).s);
            a = b + 1;
        }
    }
    if (numeric && ((d->range == OMS_FIX_RANGE_POSITIVE && num <= 0) ||
                    (d->range == OMS_FIX_RANGE_NONNEG && num < 0)))
        return REJECT(st, OMS_FIX_SRR_VALUE_INCORRECT, f->tag, "%s(%d) must be %s 0, not '%s'",
                      d->name, f->tag, d->range == OMS_FIX_RANGE_POSITIVE ? "above" : "at least",
                      show_field(f).s);
    return 0;
}

/* True when the rule's condition holds for the field at index at (SIZE_MAX: absent). */
static bool rule_applies(const vstate_t *st, const oms_fix_rule_t *r, size_t at)
{
    if (r->if_tag == 0)
        return true;
    if (at == SIZE_MAX)
        return false;
    if (!r->if_values)
        return true;
    const oms_fix_field_t *f = &st->m->fields[at];
    for (const char *s = r->if_values; *s;) {
        size_t k = strcspn(s, " ");
        if (k == f->len && memcmp(s, f->value, k) == 0)
            return true;
        s += k + (s[k] == ' ');
    }
    return false;
}

static size_t find_in_span(const oms_fix_msg_t *m, size_t first, size_t end, int tag)
{
    for (size_t i = first; i < end; i++)
        if (m->fields[i].tag == tag)
            return i;
    return SIZE_MAX;
}

/* One repeating group whose count field is at *i (already checked); *i moves past it. */
static int check_group(vstate_t *st, const oms_fix_group_def_t *g, size_t *i)
{
    const oms_fix_msg_t *m = st->m;
    const oms_fix_member_t *first_mb = &g->members[0];
    const size_t end = m->nfields - 1;
    int64_t want = 0; /* set by the caller's earlier check of the count field */
    oms_fix_field_int(&m->fields[*i], &want);
    size_t j = *i + 1, pos;
    int64_t got = 0;
    const oms_fix_member_t *mb;
    while (j < end && (mb = find_member(g->members, g->nmembers, m->fields[j].tag, &pos))) {
        if (pos != 0)
            return REJECT(st, OMS_FIX_SRR_GROUP_ORDER, mb->tag,
                          "%s(%d) before %s(%d), which starts each instance of %s(%d)",
                          tag_name(mb->tag), mb->tag, tag_name(first_mb->tag), first_mb->tag,
                          tag_name(g->count_tag), g->count_tag);
        if (++got > want)
            return REJECT(st, OMS_FIX_SRR_GROUP_COUNT, g->count_tag,
                          "%s(%d) is %" PRId64 " but more instances follow",
                          tag_name(g->count_tag), g->count_tag, want);
        const size_t inst = j;
        int rc = check_value(st, j++);
        if (rc < 0)
            return rc;
        size_t last = 0;
        while (j < end && (mb = find_member(g->members, g->nmembers, m->fields[j].tag, &pos)) &&
               pos != 0) {
            if (pos <= last)
                return REJECT(st, OMS_FIX_SRR_GROUP_ORDER, mb->tag,
                              "%s(%d) is out of order in an instance of %s(%d)",
                              tag_name(mb->tag), mb->tag, tag_name(g->count_tag), g->count_tag);
            last = pos;
            if ((rc = check_value(st, j)) < 0)
                return rc;
            if (mb->group) {
                if ((rc = check_group(st, mb->group, &j)) < 0)
                    return rc;
            } else {
                j++;
            }
        }
        /* conditionally required members: remembered, reported once the session checks pass */
        for (size_t r = 0; st->def && r < st->def->nrules && !st->pending; r++) {
            const oms_fix_rule_t *rule = &st->def->rules[r];
            if (rule->group != g->count_tag ||
                !rule_applies(st, rule, find_in_span(m, inst, j, rule->if_tag)))
                continue;
            bool met = false;
            for (size_t k = 0; k < COUNT(rule->need) && rule->need[k] && !met; k++)
                met = find_in_span(m, inst, j, rule->need[k]) != SIZE_MAX;
            if (!met)
                st->pending = rule;
        }
    }
    if (got != want)
        return REJECT(st, OMS_FIX_SRR_GROUP_COUNT, g->count_tag,
                      "%s(%d) is %" PRId64 " but the group has %" PRId64 " instances",
                      tag_name(g->count_tag), g->count_tag, want, got);
    *i = j;
    return 0;
}

/* A header, trailer or top-level body field the tables model; *i moves past it. */
static int check_top(vstate_t *st, const oms_fix_member_t *mb, size_t *i)
{
    if (bit_get(st->seen, mb->tag))
        return REJECT(st, OMS_FIX_SRR_REPEATED, mb->tag, "%s(%d) appears more than once",
                      tag_name(mb->tag), mb->tag);
    bit_set(st->seen, mb->tag);
    int rc = check_value(st, *i);
    if (rc < 0)
        return rc;
    if (mb->group)
        return check_group(st, mb->group, i);
    ++*i;
    return 0;
}

static int check_fields(vstate_t *st)
{
    const oms_fix_msg_t *m = st->m;
    const oms_fix_msg_def_t *def = st->def;
    enum { HEAD, BODY, TRAIL } phase = HEAD;
    size_t i = 3, end = m->nfields - 1;
    int rc;

    bit_set(st->seen, 8);
    bit_set(st->seen, 9);
    bit_set(st->seen, 35);
    while (i < end) {
        const int tag = m->fields[i].tag;
        const oms_fix_member_t *mb;
        if (tag == 10)
            return REJECT(st, OMS_FIX_SRR_OUT_OF_ORDER, 10, "CheckSum(10) must be the last field");
        if ((mb = find_member(HEADER, COUNT(HEADER), tag, NULL))) {
            if (phase != HEAD && !bit_get(st->seen, tag))
                return REJECT(st, OMS_FIX_SRR_OUT_OF_ORDER, tag,
                              "header field %s(%d) comes after the body started", tag_name(tag),
                              tag);
            if ((rc = check_top(st, mb, &i)) < 0)
                return rc;
            continue;
        }
        if ((mb = find_member(TRAILER, COUNT(TRAILER), tag, NULL))) {
            phase = TRAIL;
            if ((rc = check_top(st, mb, &i)) < 0)
                return rc;
            continue;
        }
        if (phase == TRAIL)
            return REJECT(st, OMS_FIX_SRR_OUT_OF_ORDER, tag,
                          "%s(%d) comes after the trailer's Signature", tag_name(tag), tag);
        phase = BODY;
        if (!def) {
            i++;
            continue;
        }
        if ((mb = find_member(def->members, def->nmembers, tag, NULL))) {
            if ((rc = check_top(st, mb, &i)) < 0)
                return rc;
            continue;
        }
        const oms_fix_group_def_t *g = group_with(def->members, def->nmembers, tag, false);
        if (g)
            return REJECT(st, OMS_FIX_SRR_GROUP_ORDER, tag, "%s(%d) is outside its group %s(%d)",
                          tag_name(tag), tag, tag_name(g->count_tag), g->count_tag);
        if (!oms_fix44_tag_defined(tag)) {
            if (tag >= OMS_FIX_USER_TAG_MIN && tag <= OMS_FIX_USER_TAG_MAX) {
                i++;
                continue;
            }
            return REJECT(st, OMS_FIX_SRR_INVALID_TAG, tag, "tag %d is not a FIX 4.4 field", tag);
        }
        if (!bit_get(def->allowed, tag))
            return REJECT(st, OMS_FIX_SRR_TAG_NOT_DEFINED, tag, "tag %d is not defined for %s",
                          tag, def->name);
        i++; /* allowed here, not modelled: passed through unexamined */
    }
    return 0;
}

static int check_required(vstate_t *st, const oms_fix_member_t *ms, size_t n, const char *where)
{
    for (size_t k = 0; k < n; k++)
        if (ms[k].required && !bit_get(st->seen, ms[k].tag))
            return REJECT(st, OMS_FIX_SRR_REQUIRED_MISSING, ms[k].tag,
                          "required %s field %s(%d) is missing", where, tag_name(ms[k].tag),
                          ms[k].tag);
    return 0;
}

static int check_rules(vstate_t *st)
{
    const oms_fix_msg_def_t *def = st->def;
    for (size_t r = 0; r < def->nrules; r++) {
        const oms_fix_rule_t *rule = &def->rules[r];
        if (rule->group)
            continue;
        const oms_fix_field_t *f = rule->if_tag ? oms_fix_find(st->m, rule->if_tag) : NULL;
        size_t at = f ? (size_t)(f - st->m->fields) : SIZE_MAX;
        if (!rule_applies(st, rule, at))
            continue;
        bool met = false;
        for (size_t k = 0; k < COUNT(rule->need) && rule->need[k] && !met; k++)
            met = bit_get(st->seen, rule->need[k]);
        if (!met)
            return vfail(st, OMS_FIX_BUSINESS_REJECT, OMS_FIX_BRR_CONDITIONAL_MISSING,
                         rule->need[0], "%s", rule->text);
    }
    if (st->pending)
        return vfail(st, OMS_FIX_BUSINESS_REJECT, OMS_FIX_BRR_CONDITIONAL_MISSING,
                     st->pending->need[0], "in group %s(%d): %s", tag_name(st->pending->group),
                     st->pending->group, st->pending->text);
    return 0;
}

int oms_fix_validate(const oms_fix_msg_t *m, oms_fix_flow_t flow, oms_fix_reject_t *why)
{
    oms_fix_reject_t scratch;
    if (!why)
        why = &scratch;
    reject_reset(why);
    if (m->nfields < 4 || (unsigned)flow >= OMS_FIX_FLOW_COUNT)
        return OMS_SET_ERR(-EINVAL, "FIX validate: not a parsed message, or no such flow");

    const oms_fix_field_t *type = &m->fields[2];
    const bool supported = oms_fix_flow_accepts(flow, m->type);
    vstate_t st = {m, supported ? &MSGS[m->type] : NULL, why, {0}, NULL};
    copy_printable(why->ref_msg_type, sizeof why->ref_msg_type, type->value, type->len);
    const oms_fix_field_t *seq = oms_fix_find(m, 34);
    if (seq && seq->value[0] != '-')
        oms_fix_field_int(seq, &why->ref_seq_num);
    const oms_fix_field_t *id = oms_fix_find(m, st.def ? st.def->id_tag : 11);
    if (id && id->len < sizeof why->ref_id)
        copy_printable(why->ref_id, sizeof why->ref_id, id->value, id->len);

    /* MsgType first: it is the third field, and nothing else means anything without it */
    const char *const *t = E_35;
    while (*t && !oms_fix_field_is(type, *t))
        t++;
    if (!*t)
        return REJECT(&st, OMS_FIX_SRR_INVALID_MSGTYPE, 35, "MsgType(35) '%s' is not FIX 4.4",
                      show_field(type).s);
    int rc = check_fields(&st);
    if (rc == 0)
        rc = check_required(&st, HEADER, COUNT(HEADER), "header");
    if (rc == 0 && st.def)
        rc = check_required(&st, st.def->members, st.def->nmembers, st.def->name);
    if (rc < 0)
        return rc;
    if (!st.def)
        return vfail(&st, OMS_FIX_BUSINESS_REJECT, OMS_FIX_BRR_UNSUPPORTED_MSGTYPE, 35,
                     "MsgType(35)=%s is not accepted %s", why->ref_msg_type, FLOW_NAMES[flow]);
    return check_rules(&st);
}

int oms_fix_check_comp_ids(const oms_fix_msg_t *m, const char *sender, const char *target,
                           oms_fix_reject_t *why)
{
    const struct {
        int tag;
        const char *want;
    } ids[2] = {{49, sender}, {56, target}};
    oms_fix_reject_t scratch;
    if (!why)
        why = &scratch;
    reject_reset(why);
    for (int k = 0; k < 2; k++) {
        if (!ids[k].want)
            continue;
        const oms_fix_field_t *f = oms_fix_find(m, ids[k].tag);
        if (f && oms_fix_field_is(f, ids[k].want))
            continue;
        const oms_fix_field_t *type = &m->fields[2];
        vstate_t st = {m, NULL, why, {0}, NULL};
        copy_printable(why->ref_msg_type, sizeof why->ref_msg_type, type->value, type->len);
        const oms_fix_field_t *seq = oms_fix_find(m, 34);
        if (seq && seq->value[0] != '-')
            oms_fix_field_int(seq, &why->ref_seq_num);
        return REJECT(&st, OMS_FIX_SRR_COMP_ID, ids[k].tag, "%s(%d) is '%s', expected '%s'",
                      tag_name(ids[k].tag), ids[k].tag, f ? show_field(f).s : "",
                      show(ids[k].want, strlen(ids[k].want)).s);
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Building
 * ------------------------------------------------------------------------------------------- */

/* "8=FIX.4.4<SOH>9=" + up to 9 digits + SOH: the body is written after this much room, and moved
 * back once its length is known. */
#define PREFIX_RESERVE (sizeof("8=" OMS_FIX_BEGIN_STRING "\x01" "9=") - 1 + 9 + 1)
#define MAX_BODY 999999999u

static int build_fail(oms_fix_builder_t *b, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int build_fail(oms_fix_builder_t *b, int code, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->err = OMS_SET_ERR(code, "FIX build: %s", msg);
    return b->err;
}

static size_t u64_text(uint64_t v, char *out)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[n - 1 - k];
    return n;
}

static int put_field(oms_fix_builder_t *b, int tag, const char *v, size_t n, bool data)
{
    if (b->err)
        return b->err;
    if (tag <= 0 || tag > 999999999)
        return build_fail(b, -EINVAL, "tag %d is not a tag number", tag);
    if (n == 0)
        return build_fail(b, -EINVAL, "%s(%d) has an empty value", tag_name(tag), tag);
    if (!data && memchr(v, OMS_FIX_SOH, n))
        return build_fail(b, -EINVAL, "%s(%d) contains SOH", tag_name(tag), tag);
    char t[12];
    size_t tn = u64_text((uint64_t)tag, t);
    if (n > b->cap || b->len + tn + 2 > b->cap - n)
        return build_fail(b, OMS_EFULL, "%s(%d) does not fit in %zu bytes", tag_name(tag), tag,
                          b->cap);
    char *o = b->buf + b->len;
    memcpy(o, t, tn);
    o[tn] = '=';
    memcpy(o + tn + 1, v, n);
    o[tn + 1 + n] = OMS_FIX_SOH;
    b->len += tn + 2 + n;
    return 0;
}

int oms_fix_build_str(oms_fix_builder_t *b, int tag, const char *s)
{
    return put_field(b, tag, s, strlen(s), false);
}

int oms_fix_build_strn(oms_fix_builder_t *b, int tag, const char *s, size_t n)
{
    return put_field(b, tag, s, n, false);
}

int oms_fix_build_char(oms_fix_builder_t *b, int tag, char c)
{
    return put_field(b, tag, &c, 1, false);
}

int oms_fix_build_int(oms_fix_builder_t *b, int tag, int64_t v)
{
    char t[21];
    size_t n = 0;
    if (v < 0)
        t[n++] = '-';
    n += u64_text(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, t + n);
    return put_field(b, tag, t, n, false);
}

int oms_fix_build_bool(oms_fix_builder_t *b, int tag, bool v)
{
    return put_field(b, tag, v ? "Y" : "N", 1, false);
}

int oms_fix_build_decimal(oms_fix_builder_t *b, int tag, int64_t v)
{
    char t[OMS_DEC_TEXT_MAX];
    size_t n = oms_dec_format(v, t, sizeof t);
    return put_field(b, tag, t, n, false);
}

static void put_digits(char *p, int64_t v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

int oms_fix_build_utc(oms_fix_builder_t *b, int tag, int64_t ns)
{
    if (b->err)
        return b->err;
    if (ns < 0)
        return build_fail(b, -EINVAL, "%s(%d): time %" PRId64 " is before 1970", tag_name(tag),
                          tag, ns);
    int64_t secs = ns / 1000000000, ms = ns % 1000000000 / 1000000;
    int64_t y, mo, d, sod = secs % 86400;
    civil_from_days(secs / 86400, &y, &mo, &d);
    char t[21]; /* YYYYMMDD-HH:MM:SS.sss */
    put_digits(t, y, 4);
    put_digits(t + 4, mo, 2);
    put_digits(t + 6, d, 2);
    t[8] = '-';
    put_digits(t + 9, sod / 3600, 2);
    t[11] = ':';
    put_digits(t + 12, sod / 60 % 60, 2);
    t[14] = ':';
    put_digits(t + 15, sod % 60, 2);
    t[17] = '.';
    put_digits(t + 18, ms, 3);
    return put_field(b, tag, t, sizeof t, false);
}

int oms_fix_build_data(oms_fix_builder_t *b, int len_tag, int data_tag, const void *p, size_t n)
{
    if (b->err)
        return b->err;
    if (oms_fix_data_length_tag(data_tag) != len_tag)
        return build_fail(b, -EINVAL, "%d is not the length field of %s(%d)", len_tag,
                          tag_name(data_tag), data_tag);
    oms_fix_build_int(b, len_tag, (int64_t)n);
    return put_field(b, data_tag, p, n, true);
}

static void build_start(oms_fix_builder_t *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    b->len = PREFIX_RESERVE;
    b->err = 0;
    if (cap < PREFIX_RESERVE)
        build_fail(b, OMS_EFULL, "a buffer of %zu bytes cannot hold a message", cap);
}

int oms_fix_build_begin(oms_fix_builder_t *b, char *buf, size_t cap, const char *msg_type,
                        const oms_fix_header_t *h)
{
    build_start(b, buf, cap);
    oms_fix_build_str(b, 35, msg_type);
    oms_fix_build_str(b, 49, h->sender_comp_id);
    oms_fix_build_str(b, 56, h->target_comp_id);
    if (h->msg_seq_num < 1 && !b->err)
        build_fail(b, -EINVAL, "MsgSeqNum(34) %" PRId64 " is below 1", h->msg_seq_num);
    oms_fix_build_int(b, 34, h->msg_seq_num);
    return oms_fix_build_utc(b, 52, h->sending_time_ns);
}

int oms_fix_build_end(oms_fix_builder_t *b, size_t *len)
{
    if (b->err)
        return b->err;
    size_t body = b->len - PREFIX_RESERVE;
    if (body > MAX_BODY || b->cap - b->len < 7)
        return build_fail(b, OMS_EFULL, "CheckSum(10) does not fit in %zu bytes", b->cap);
    char prefix[PREFIX_RESERVE];
    static const char head[] = "8=" OMS_FIX_BEGIN_STRING "\x01" "9=";
    size_t pn = sizeof head - 1;
    memcpy(prefix, head, pn);
    pn += u64_text(body, prefix + pn);
    prefix[pn++] = OMS_FIX_SOH;
    memmove(b->buf + pn, b->buf + PREFIX_RESERVE, body);
    memcpy(b->buf, prefix, pn);
    size_t n = pn + body;
    unsigned sum = oms_fix_checksum(b->buf, n);
    char *o = b->buf + n;
    o[0] = '1';
    o[1] = '0';
    o[2] = '=';
    put_digits(o + 3, sum, 3);
    o[6] = OMS_FIX_SOH;
    b->len = n + 7;
    *len = b->len;
    return 0;
}

int oms_fix_serialize(const oms_fix_msg_t *m, char *buf, size_t cap, size_t *len)
{
    oms_fix_builder_t b;
    build_start(&b, buf, cap);
    for (size_t i = 2; i + 1 < m->nfields; i++) {
        const oms_fix_field_t *f = &m->fields[i];
        put_field(&b, f->tag, f->value, f->len, oms_fix_data_length_tag(f->tag) != 0);
    }
    return oms_fix_build_end(&b, len);
}

const char *oms_fix_reject_msg_type(const oms_fix_reject_t *why)
{
    switch (why->verdict) {
    case OMS_FIX_GARBLED:
    case OMS_FIX_SESSION_REJECT:
        return "3";
    case OMS_FIX_BUSINESS_REJECT:
        return "j";
    case OMS_FIX_VALID:
        break;
    }
    return NULL;
}

int oms_fix_build_reject(oms_fix_builder_t *b, const oms_fix_reject_t *why)
{
    switch (why->verdict) {
    case OMS_FIX_GARBLED:
    case OMS_FIX_SESSION_REJECT:
        oms_fix_build_int(b, 45, why->ref_seq_num);
        if (why->ref_tag > 0)
            oms_fix_build_int(b, 371, why->ref_tag);
        if (why->ref_msg_type[0])
            oms_fix_build_str(b, 372, why->ref_msg_type);
        if (why->session_reason >= 0)
            oms_fix_build_int(b, 373, why->session_reason);
        break;
    case OMS_FIX_BUSINESS_REJECT:
        if (why->ref_seq_num > 0)
            oms_fix_build_int(b, 45, why->ref_seq_num);
        oms_fix_build_str(b, 372, why->ref_msg_type[0] ? why->ref_msg_type : "?");
        if (why->ref_id[0])
            oms_fix_build_str(b, 379, why->ref_id);
        oms_fix_build_int(b, 380, why->business_reason);
        break;
    case OMS_FIX_VALID:
        if (!b->err)
            build_fail(b, -EINVAL, "a valid message has nothing to reject");
        return b->err;
    }
    if (why->text[0])
        oms_fix_build_str(b, 58, why->text);
    return b->err;
}
