"""The procedure schema's fast validator, generated from schemas/procedure.schema.json.

Do not edit: `python -m procflow.engine.schema.check` writes this file; tests fail when it was made from
another schema, or answers otherwise than jsonschema. Shipped so that no run generates it (60-90 ms).
"""
# ruff: noqa
# fmt: off
# mypy: ignore-errors

from procflow.engine.schema.check import _Invalid as JsonSchemaValueException, _Invalid as JsonSchemaValuesException, _NoDecimal as Decimal

SCHEMA_KEY = "bd3ebca6f196fc3f97d767794108807eceb37f06b6dafada4f5b730786f93387"

VERSION = "2.22.3"
import re


REGEX_PATTERNS = {
    '^(state:)?[a-z][a-z0-9_]*$': re.compile('^(state:)?[a-z][a-z0-9_]*\\Z'),
    '^(\\s*\\d+(\\.\\d+)?\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\\s*)+$|^P(?=\\d|T\\d)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$|^\\{[a-z][a-z0-9_]*\\}$': re.compile('^(\\s*\\d+(\\.\\d+)?\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\\s*)+\\Z|^P(?=\\d|T\\d)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?\\Z|^\\{[a-z][a-z0-9_]*\\}\\Z'),
    '^\\{[a-z][a-z0-9_]*\\}$': re.compile('^\\{[a-z][a-z0-9_]*\\}\\Z'),
    '^[a-z][a-z0-9_]*$': re.compile('^[a-z][a-z0-9_]*\\Z'),
    '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$': re.compile('^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$'),
    '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': re.compile('^[a-z][a-z0-9]*(-[a-z0-9]+)*\\Z')
}

NoneType = type(None)

def validate_https___procflow_dev_schemas_procedure_v1_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['procflow', 'id', 'title', 'initial', 'states']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "procflow" in data_keys:
            data_keys.remove("procflow")
            data__procflow = data["procflow"]
            if not (isinstance(data__procflow, (int, float)) and not isinstance(data__procflow, bool) and data__procflow == 1):
                raise JsonSchemaValueException
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_procedureid(data__id, custom_formats, None)
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__title, custom_formats, None)
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__description, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if "languages" in data_keys:
            data_keys.remove("languages")
            data__languages = data["languages"]
            if not isinstance(data__languages, (list, tuple)):
                raise JsonSchemaValueException
            data__languages_is_list = isinstance(data__languages, (list, tuple))
            if data__languages_is_list:
                data__languages_len = len(data__languages)
                if data__languages_len < 1:
                    raise JsonSchemaValueException
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                if data__languages_len > len(set(fn(data__languages_x) for data__languages_x in data__languages)):
                    raise JsonSchemaValueException
                for data__languages_x, data__languages_item in enumerate(data__languages):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_languagetag(data__languages_item, custom_formats, None)
        if "params" in data_keys:
            data_keys.remove("params")
            data__params = data["params"]
            if not isinstance(data__params, (dict)):
                raise JsonSchemaValueException
            data__params_is_dict = isinstance(data__params, dict)
            if data__params_is_dict:
                data__params_keys = set(data__params.keys())
                for data__params_key in data__params_keys:
                    if data__params_key not in []:
                        data__params_value = data__params.get(data__params_key)
                        validate_https___procflow_dev_schemas_procedure_v1_json___defs_param(data__params_value, custom_formats, None)
                data__params_len = len(data__params)
                if data__params_len != 0:
                    data__params_property_names = True
                    for data__params_key in data__params:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__params_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__params_property_names = False
                    if not data__params_property_names:
                        raise JsonSchemaValueException
        if "roles" in data_keys:
            data_keys.remove("roles")
            data__roles = data["roles"]
            if not isinstance(data__roles, (dict)):
                raise JsonSchemaValueException
            data__roles_is_dict = isinstance(data__roles, dict)
            if data__roles_is_dict:
                data__roles_keys = set(data__roles.keys())
                for data__roles_key in data__roles_keys:
                    if data__roles_key not in []:
                        data__roles_value = data__roles.get(data__roles_key)
                        validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__roles_value, custom_formats, None)
                data__roles_len = len(data__roles)
                if data__roles_len != 0:
                    data__roles_property_names = True
                    for data__roles_key in data__roles:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__roles_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__roles_property_names = False
                    if not data__roles_property_names:
                        raise JsonSchemaValueException
        if "fields" in data_keys:
            data_keys.remove("fields")
            data__fields = data["fields"]
            if not isinstance(data__fields, (dict)):
                raise JsonSchemaValueException
            data__fields_is_dict = isinstance(data__fields, dict)
            if data__fields_is_dict:
                data__fields_keys = set(data__fields.keys())
                for data__fields_key in data__fields_keys:
                    if data__fields_key not in []:
                        data__fields_value = data__fields.get(data__fields_key)
                        validate_https___procflow_dev_schemas_procedure_v1_json___defs_field(data__fields_value, custom_formats, None)
                data__fields_len = len(data__fields)
                if data__fields_len != 0:
                    data__fields_property_names = True
                    for data__fields_key in data__fields:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__fields_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__fields_property_names = False
                    if not data__fields_property_names:
                        raise JsonSchemaValueException
        if "notes" in data_keys:
            data_keys.remove("notes")
            data__notes = data["notes"]
            if not isinstance(data__notes, (list, tuple)):
                raise JsonSchemaValueException
            data__notes_is_list = isinstance(data__notes, (list, tuple))
            if data__notes_is_list:
                data__notes_len = len(data__notes)
                for data__notes_x, data__notes_item in enumerate(data__notes):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__notes_item, custom_formats, None)
        if "work_rules" in data_keys:
            data_keys.remove("work_rules")
            data__workrules = data["work_rules"]
            if not isinstance(data__workrules, (list, tuple)):
                raise JsonSchemaValueException
            data__workrules_is_list = isinstance(data__workrules, (list, tuple))
            if data__workrules_is_list:
                data__workrules_len = len(data__workrules)
                for data__workrules_x, data__workrules_item in enumerate(data__workrules):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_workrule(data__workrules_item, custom_formats, None)
        if "penalties" in data_keys:
            data_keys.remove("penalties")
            data__penalties = data["penalties"]
            if not isinstance(data__penalties, (list, tuple)):
                raise JsonSchemaValueException
            data__penalties_is_list = isinstance(data__penalties, (list, tuple))
            if data__penalties_is_list:
                data__penalties_len = len(data__penalties)
                for data__penalties_x, data__penalties_item in enumerate(data__penalties):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_penalty(data__penalties_item, custom_formats, None)
        if "initial" in data_keys:
            data_keys.remove("initial")
            data__initial = data["initial"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__initial, custom_formats, None)
        if "states" in data_keys:
            data_keys.remove("states")
            data__states = data["states"]
            if not isinstance(data__states, (dict)):
                raise JsonSchemaValueException
            data__states_is_dict = isinstance(data__states, dict)
            if data__states_is_dict:
                data__states_len = len(data__states)
                if data__states_len < 1:
                    raise JsonSchemaValueException
                data__states_keys = set(data__states.keys())
                for data__states_key in data__states_keys:
                    if data__states_key not in []:
                        data__states_value = data__states.get(data__states_key)
                        validate_https___procflow_dev_schemas_procedure_v1_json___defs_state(data__states_value, custom_formats, None)
                if data__states_len != 0:
                    data__states_property_names = True
                    for data__states_key in data__states:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__states_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__states_property_names = False
                    if not data__states_property_names:
                        raise JsonSchemaValueException
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_state(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    if not isinstance(data, dict) or ('next' in data and 'moves' in data):
        raise JsonSchemaValueException
    if not isinstance(data, dict) or ('outcomes' in data and 'next' in data):
        raise JsonSchemaValueException
    if not isinstance(data, dict) or ('outcomes' in data and 'moves' in data):
        raise JsonSchemaValueException
    if not isinstance(data, dict) or ('outcomes' in data):
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['use']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException
    if not isinstance(data, dict) or ('outcome' in data):
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['final']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException
    if not isinstance(data, dict) or ('final' in data):
        try:
            data_any_of_count1 = 0
            if not data_any_of_count1:
                if not isinstance(data, dict) or ('next' in data):
                    data_any_of_count1 += 1
            if not data_any_of_count1:
                if not isinstance(data, dict) or ('moves' in data):
                    data_any_of_count1 += 1
            if not data_any_of_count1:
                if not isinstance(data, dict) or ('outcomes' in data):
                    data_any_of_count1 += 1
            if not data_any_of_count1:
                if not isinstance(data, dict) or ('use' in data):
                    data_any_of_count1 += 1
            if not data_any_of_count1:
                raise JsonSchemaValueException
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
        else:
            raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__title, custom_formats, None)
        if "role" in data_keys:
            data_keys.remove("role")
            data__role = data["role"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__role, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if "notes" in data_keys:
            data_keys.remove("notes")
            data__notes = data["notes"]
            if not isinstance(data__notes, (list, tuple)):
                raise JsonSchemaValueException
            data__notes_is_list = isinstance(data__notes, (list, tuple))
            if data__notes_is_list:
                data__notes_len = len(data__notes)
                for data__notes_x, data__notes_item in enumerate(data__notes):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__notes_item, custom_formats, None)
        if "do" in data_keys:
            data_keys.remove("do")
            data__do = data["do"]
            if not isinstance(data__do, (list, tuple)):
                raise JsonSchemaValueException
            data__do_is_list = isinstance(data__do, (list, tuple))
            if data__do_is_list:
                data__do_len = len(data__do)
                for data__do_x, data__do_item in enumerate(data__do):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_item(data__do_item, custom_formats, None)
        if "say" in data_keys:
            data_keys.remove("say")
            data__say = data["say"]
            if not isinstance(data__say, (list, tuple)):
                raise JsonSchemaValueException
            data__say_is_list = isinstance(data__say, (list, tuple))
            if data__say_is_list:
                data__say_len = len(data__say)
                for data__say_x, data__say_item in enumerate(data__say):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_phrase(data__say_item, custom_formats, None)
        if "ask" in data_keys:
            data_keys.remove("ask")
            data__ask = data["ask"]
            if not isinstance(data__ask, (list, tuple)):
                raise JsonSchemaValueException
            data__ask_is_list = isinstance(data__ask, (list, tuple))
            if data__ask_is_list:
                data__ask_len = len(data__ask)
                for data__ask_x, data__ask_item in enumerate(data__ask):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_question(data__ask_item, custom_formats, None)
        if "due" in data_keys:
            data_keys.remove("due")
            data__due = data["due"]
            if not isinstance(data__due, (list, tuple)):
                raise JsonSchemaValueException
            data__due_is_list = isinstance(data__due, (list, tuple))
            if data__due_is_list:
                data__due_len = len(data__due)
                for data__due_x, data__due_item in enumerate(data__due):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_deadline(data__due_item, custom_formats, None)
        if "use" in data_keys:
            data_keys.remove("use")
            data__use = data["use"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_use(data__use, custom_formats, None)
        if "next" in data_keys:
            data_keys.remove("next")
            data__next = data["next"]
            data__next_one_of_count2 = 0
            if data__next_one_of_count2 < 2:
                try:
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__next, custom_formats, None)
                    data__next_one_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__next_one_of_count2 < 2:
                try:
                    if not isinstance(data__next, (list, tuple)):
                        raise JsonSchemaValueException
                    data__next_is_list = isinstance(data__next, (list, tuple))
                    if data__next_is_list:
                        data__next_len = len(data__next)
                        if data__next_len < 1:
                            raise JsonSchemaValueException
                        for data__next_x, data__next_item in enumerate(data__next):
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_route(data__next_item, custom_formats, None)
                    data__next_one_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__next_one_of_count2 != 1:
                raise JsonSchemaValueException
        if "outcomes" in data_keys:
            data_keys.remove("outcomes")
            data__outcomes = data["outcomes"]
            if not isinstance(data__outcomes, (dict)):
                raise JsonSchemaValueException
            data__outcomes_is_dict = isinstance(data__outcomes, dict)
            if data__outcomes_is_dict:
                data__outcomes_len = len(data__outcomes)
                if data__outcomes_len < 1:
                    raise JsonSchemaValueException
                data__outcomes_keys = set(data__outcomes.keys())
                for data__outcomes_key in data__outcomes_keys:
                    if data__outcomes_key not in []:
                        data__outcomes_value = data__outcomes.get(data__outcomes_key)
                        validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__outcomes_value, custom_formats, None)
                if data__outcomes_len != 0:
                    data__outcomes_property_names = True
                    for data__outcomes_key in data__outcomes:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__outcomes_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__outcomes_property_names = False
                    if not data__outcomes_property_names:
                        raise JsonSchemaValueException
        if "moves" in data_keys:
            data_keys.remove("moves")
            data__moves = data["moves"]
            if not isinstance(data__moves, (list, tuple)):
                raise JsonSchemaValueException
            data__moves_is_list = isinstance(data__moves, (list, tuple))
            if data__moves_is_list:
                data__moves_len = len(data__moves)
                if data__moves_len < 1:
                    raise JsonSchemaValueException
                for data__moves_x, data__moves_item in enumerate(data__moves):
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_move(data__moves_item, custom_formats, None)
        if "final" in data_keys:
            data_keys.remove("final")
            data__final = data["final"]
            if not (isinstance(data__final, bool) and data__final is True):
                raise JsonSchemaValueException
        if "outcome" in data_keys:
            data_keys.remove("outcome")
            data__outcome = data["outcome"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__outcome, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_move(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'to']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__id, custom_formats, None)
        if "to" in data_keys:
            data_keys.remove("to")
            data__to = data["to"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__to, custom_formats, None)
        if "label" in data_keys:
            data_keys.remove("label")
            data__label = data["label"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__label, custom_formats, None)
        if "when" in data_keys:
            data_keys.remove("when")
            data__when = data["when"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_guard(data__when, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if "note" in data_keys:
            data_keys.remove("note")
            data__note = data["note"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__note, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_guard(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_route(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_one_of_count3 = 0
    if data_one_of_count3 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['when']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count3 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count3 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['otherwise']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count3 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count3 != 1:
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['to']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "to" in data_keys:
            data_keys.remove("to")
            data__to = data["to"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__to, custom_formats, None)
        if "when" in data_keys:
            data_keys.remove("when")
            data__when = data["when"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_guard(data__when, custom_formats, None)
        if "otherwise" in data_keys:
            data_keys.remove("otherwise")
            data__otherwise = data["otherwise"]
            if not (isinstance(data__otherwise, bool) and data__otherwise is True):
                raise JsonSchemaValueException
        if "priority" in data_keys:
            data_keys.remove("priority")
            data__priority = data["priority"]
            if not isinstance(data__priority, (int)) and not (isinstance(data__priority, float) and data__priority.is_integer()) or isinstance(data__priority, bool):
                raise JsonSchemaValueException
        if "note" in data_keys:
            data_keys.remove("note")
            data__note = data["note"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__note, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_use(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['procedure']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "procedure" in data_keys:
            data_keys.remove("procedure")
            data__procedure = data["procedure"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_procedureid(data__procedure, custom_formats, None)
        if "params" in data_keys:
            data_keys.remove("params")
            data__params = data["params"]
            if not isinstance(data__params, (dict)):
                raise JsonSchemaValueException
            data__params_is_dict = isinstance(data__params, dict)
            if data__params_is_dict:
                data__params_keys = set(data__params.keys())
                for data__params_key in data__params_keys:
                    if data__params_key not in []:
                        data__params_value = data__params.get(data__params_key)
                        if not isinstance(data__params_value, (str, int, float, Decimal, bool)):
                            raise JsonSchemaValueException
                data__params_len = len(data__params)
                if data__params_len != 0:
                    data__params_property_names = True
                    for data__params_key in data__params:
                        try:
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__params_key, custom_formats, None)
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__params_property_names = False
                    if not data__params_property_names:
                        raise JsonSchemaValueException
        if "returns" in data_keys:
            data_keys.remove("returns")
            data__returns = data["returns"]
            data__returns_one_of_count4 = 0
            if data__returns_one_of_count4 < 2:
                try:
                    if not isinstance(data__returns, (list, tuple)):
                        raise JsonSchemaValueException
                    data__returns_is_list = isinstance(data__returns, (list, tuple))
                    if data__returns_is_list:
                        data__returns_len = len(data__returns)
                        if data__returns_len < 1:
                            raise JsonSchemaValueException
                        def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                        if data__returns_len > len(set(fn(data__returns_x) for data__returns_x in data__returns)):
                            raise JsonSchemaValueException
                        for data__returns_x, data__returns_item in enumerate(data__returns):
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__returns_item, custom_formats, None)
                    data__returns_one_of_count4 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__returns_one_of_count4 < 2:
                try:
                    if not isinstance(data__returns, (dict)):
                        raise JsonSchemaValueException
                    data__returns_is_dict = isinstance(data__returns, dict)
                    if data__returns_is_dict:
                        data__returns_len = len(data__returns)
                        if data__returns_len < 1:
                            raise JsonSchemaValueException
                        data__returns_keys = set(data__returns.keys())
                        for data__returns_key in data__returns_keys:
                            if data__returns_key not in []:
                                data__returns_value = data__returns.get(data__returns_key)
                                validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__returns_value, custom_formats, None)
                        if data__returns_len != 0:
                            data__returns_property_names = True
                            for data__returns_key in data__returns:
                                try:
                                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__returns_key, custom_formats, None)
                                except (JsonSchemaValueException, JsonSchemaValuesException):
                                    data__returns_property_names = False
                            if not data__returns_property_names:
                                raise JsonSchemaValueException
                    data__returns_one_of_count4 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__returns_one_of_count4 != 1:
                raise JsonSchemaValueException
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_deadline(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    if not isinstance(data, dict) or ('before' in data):
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['of']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException
    if not isinstance(data, dict) or ('after' in data):
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['of']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException
    data_one_of_count5 = 0
    if data_one_of_count5 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['within']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count5 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count5 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['before']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count5 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count5 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['after']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count5 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count5 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['every']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
            data_one_of_count5 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count5 != 1:
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__id, custom_formats, None)
        if "within" in data_keys:
            data_keys.remove("within")
            data__within = data["within"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_duration(data__within, custom_formats, None)
        if "before" in data_keys:
            data_keys.remove("before")
            data__before = data["before"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_duration(data__before, custom_formats, None)
        if "after" in data_keys:
            data_keys.remove("after")
            data__after = data["after"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_duration(data__after, custom_formats, None)
        if "every" in data_keys:
            data_keys.remove("every")
            data__every = data["every"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_duration(data__every, custom_formats, None)
        if "of" in data_keys:
            data_keys.remove("of")
            data__of = data["of"]
            if not isinstance(data__of, (str)):
                raise JsonSchemaValueException
            if isinstance(data__of, str):
                if not REGEX_PATTERNS['^(state:)?[a-z][a-z0-9_]*$'].search(data__of):
                    raise JsonSchemaValueException
        if "reminder" in data_keys:
            data_keys.remove("reminder")
            data__reminder = data["reminder"]
            if not isinstance(data__reminder, (bool)):
                raise JsonSchemaValueException
        if "follow_up" in data_keys:
            data_keys.remove("follow_up")
            data__followup = data["follow_up"]
            if not isinstance(data__followup, (bool)):
                raise JsonSchemaValueException
        if "during" in data_keys:
            data_keys.remove("during")
            data__during = data["during"]
            if not (isinstance(data__during, str) and data__during == 'duty_hours'):
                raise JsonSchemaValueException
        if "text" in data_keys:
            data_keys.remove("text")
            data__text = data["text"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_duration(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        if not REGEX_PATTERNS['^(\\s*\\d+(\\.\\d+)?\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\\s*)+$|^P(?=\\d|T\\d)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$|^\\{[a-z][a-z0-9_]*\\}$'].search(data):
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_question(data, custom_formats={}, name_prefix=None):
    data_one_of_count6 = 0
    if data_one_of_count6 < 2:
        try:
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data, custom_formats, None)
            data_one_of_count6 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count6 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['field']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "field" in data_keys:
                    data_keys.remove("field")
                    data__field = data["field"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__field, custom_formats, None)
                if "required" in data_keys:
                    data_keys.remove("required")
                    data__required = data["required"]
                    if not isinstance(data__required, (bool)):
                        raise JsonSchemaValueException
                if "source" in data_keys:
                    data_keys.remove("source")
                    data__source = data["source"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count6 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count6 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_phrase(data, custom_formats={}, name_prefix=None):
    data_one_of_count7 = 0
    if data_one_of_count7 < 2:
        try:
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data, custom_formats, None)
            data_one_of_count7 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count7 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['text']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "text" in data_keys:
                    data_keys.remove("text")
                    data__text = data["text"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
                if "source" in data_keys:
                    data_keys.remove("source")
                    data__source = data["source"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
                if "note" in data_keys:
                    data_keys.remove("note")
                    data__note = data["note"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__note, custom_formats, None)
                if "when" in data_keys:
                    data_keys.remove("when")
                    data__when = data["when"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_guard(data__when, custom_formats, None)
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count7 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count7 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_item(data, custom_formats={}, name_prefix=None):
    data_one_of_count8 = 0
    if data_one_of_count8 < 2:
        try:
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data, custom_formats, None)
            data_one_of_count8 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count8 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['text']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "id" in data_keys:
                    data_keys.remove("id")
                    data__id = data["id"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__id, custom_formats, None)
                if "text" in data_keys:
                    data_keys.remove("text")
                    data__text = data["text"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
                if "source" in data_keys:
                    data_keys.remove("source")
                    data__source = data["source"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
                if "optional" in data_keys:
                    data_keys.remove("optional")
                    data__optional = data["optional"]
                    if not isinstance(data__optional, (bool)):
                        raise JsonSchemaValueException
                if "note" in data_keys:
                    data_keys.remove("note")
                    data__note = data["note"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__note, custom_formats, None)
                if "when" in data_keys:
                    data_keys.remove("when")
                    data__when = data["when"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_guard(data__when, custom_formats, None)
                if "after" in data_keys:
                    data_keys.remove("after")
                    data__after = data["after"]
                    if not (isinstance(data__after, str) and data__after == 'ask'):
                        raise JsonSchemaValueException
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count8 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count8 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_penalty(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'min_count', 'period', 'text']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__id, custom_formats, None)
        if "min_count" in data_keys:
            data_keys.remove("min_count")
            data__mincount = data["min_count"]
            data__mincount_one_of_count9 = 0
            if data__mincount_one_of_count9 < 2:
                try:
                    if not isinstance(data__mincount, (int)) and not (isinstance(data__mincount, float) and data__mincount.is_integer()) or isinstance(data__mincount, bool):
                        raise JsonSchemaValueException
                    if isinstance(data__mincount, (int, float, Decimal)) and not isinstance(data__mincount, bool):
                        if data__mincount < 1:
                            raise JsonSchemaValueException
                    data__mincount_one_of_count9 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__mincount_one_of_count9 < 2:
                try:
                    if not isinstance(data__mincount, (str)):
                        raise JsonSchemaValueException
                    if isinstance(data__mincount, str):
                        if not REGEX_PATTERNS['^\\{[a-z][a-z0-9_]*\\}$'].search(data__mincount):
                            raise JsonSchemaValueException
                    data__mincount_one_of_count9 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__mincount_one_of_count9 != 1:
                raise JsonSchemaValueException
        if "period" in data_keys:
            data_keys.remove("period")
            data__period = data["period"]
            if not (isinstance(data__period, str) and data__period == 'month'):
                raise JsonSchemaValueException
        if "text" in data_keys:
            data_keys.remove("text")
            data__text = data["text"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if "note" in data_keys:
            data_keys.remove("note")
            data__note = data["note"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data__note, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_workrule(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'text']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__id, custom_formats, None)
        if "text" in data_keys:
            data_keys.remove("text")
            data__text = data["text"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_note(data, custom_formats={}, name_prefix=None):
    data_one_of_count10 = 0
    if data_one_of_count10 < 2:
        try:
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data, custom_formats, None)
            data_one_of_count10 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count10 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['text']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "kind" in data_keys:
                    data_keys.remove("kind")
                    data__kind = data["kind"]
                    if not (isinstance(data__kind, str) and data__kind == 'resolution' or isinstance(data__kind, str) and data__kind == 'conflict' or isinstance(data__kind, str) and data__kind == 'gap' or isinstance(data__kind, str) and data__kind == 'typo' or isinstance(data__kind, str) and data__kind == 'info'):
                        raise JsonSchemaValueException
                if "text" in data_keys:
                    data_keys.remove("text")
                    data__text = data["text"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__text, custom_formats, None)
                if "source" in data_keys:
                    data_keys.remove("source")
                    data__source = data["source"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count10 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count10 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_field(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data_keys = set(data.keys())
            if "type" in data_keys:
                data_keys.remove("type")
                data__type = data["type"]
                if not (isinstance(data__type, str) and data__type == 'choice'):
                    raise JsonSchemaValueException
    except (JsonSchemaValueException, JsonSchemaValuesException):
        if not isinstance(data, dict) or ('options' in data):
            raise JsonSchemaValueException
    else:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['options']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException
    try:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data_keys = set(data.keys())
                if "type" in data_keys:
                    data_keys.remove("type")
                    data__type = data["type"]
                    if not (isinstance(data__type, str) and data__type == 'datetime'):
                        raise JsonSchemaValueException
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
        else:
            raise JsonSchemaValueException
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        if not isinstance(data, dict) or ('default' in data):
            raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not (isinstance(data__type, str) and data__type == 'text' or isinstance(data__type, str) and data__type == 'number' or isinstance(data__type, str) and data__type == 'bool' or isinstance(data__type, str) and data__type == 'choice' or isinstance(data__type, str) and data__type == 'datetime' or isinstance(data__type, str) and data__type == 'duration'):
                raise JsonSchemaValueException
        if "label" in data_keys:
            data_keys.remove("label")
            data__label = data["label"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__label, custom_formats, None)
        if "help" in data_keys:
            data_keys.remove("help")
            data__help = data["help"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__help, custom_formats, None)
        if "options" in data_keys:
            data_keys.remove("options")
            data__options = data["options"]
            data__options_one_of_count11 = 0
            if data__options_one_of_count11 < 2:
                try:
                    if not isinstance(data__options, (list, tuple)):
                        raise JsonSchemaValueException
                    data__options_is_list = isinstance(data__options, (list, tuple))
                    if data__options_is_list:
                        data__options_len = len(data__options)
                        if data__options_len < 1:
                            raise JsonSchemaValueException
                        def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                        if data__options_len > len(set(fn(data__options_x) for data__options_x in data__options)):
                            raise JsonSchemaValueException
                        for data__options_x, data__options_item in enumerate(data__options):
                            validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__options_item, custom_formats, None)
                    data__options_one_of_count11 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__options_one_of_count11 < 2:
                try:
                    if not isinstance(data__options, (dict)):
                        raise JsonSchemaValueException
                    data__options_is_dict = isinstance(data__options, dict)
                    if data__options_is_dict:
                        data__options_len = len(data__options)
                        if data__options_len < 1:
                            raise JsonSchemaValueException
                        data__options_keys = set(data__options.keys())
                        for data__options_key in data__options_keys:
                            if data__options_key not in []:
                                data__options_value = data__options.get(data__options_key)
                                validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__options_value, custom_formats, None)
                        if data__options_len != 0:
                            data__options_property_names = True
                            for data__options_key in data__options:
                                try:
                                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data__options_key, custom_formats, None)
                                except (JsonSchemaValueException, JsonSchemaValuesException):
                                    data__options_property_names = False
                            if not data__options_property_names:
                                raise JsonSchemaValueException
                    data__options_one_of_count11 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__options_one_of_count11 != 1:
                raise JsonSchemaValueException
        if "pattern" in data_keys:
            data_keys.remove("pattern")
            data__pattern = data["pattern"]
            if not isinstance(data__pattern, (str)):
                raise JsonSchemaValueException
        if "min" in data_keys:
            data_keys.remove("min")
            data__min = data["min"]
            if not isinstance(data__min, (int, float, Decimal)) or isinstance(data__min, bool):
                raise JsonSchemaValueException
        if "max" in data_keys:
            data_keys.remove("max")
            data__max = data["max"]
            if not isinstance(data__max, (int, float, Decimal)) or isinstance(data__max, bool):
                raise JsonSchemaValueException
        if "integer" in data_keys:
            data_keys.remove("integer")
            data__integer = data["integer"]
            if not isinstance(data__integer, (bool)):
                raise JsonSchemaValueException
        if "default" in data_keys:
            data_keys.remove("default")
            data__default = data["default"]
            if not (isinstance(data__default, str) and data__default == 'now'):
                raise JsonSchemaValueException
        if "pii" in data_keys:
            data_keys.remove("pii")
            data__pii = data["pii"]
            if not isinstance(data__pii, (bool)):
                raise JsonSchemaValueException
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_identifier(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        data_len = len(data)
        if data_len > 64:
            raise JsonSchemaValueException
        if not REGEX_PATTERNS['^[a-z][a-z0-9_]*$'].search(data):
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_param(data, custom_formats={}, name_prefix=None):
    data_one_of_count12 = 0
    if data_one_of_count12 < 2:
        try:
            if not isinstance(data, (str, int, float, Decimal, bool)):
                raise JsonSchemaValueException
            data_one_of_count12 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count12 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "default" in data_keys:
                    data_keys.remove("default")
                    data__default = data["default"]
                    if not isinstance(data__default, (str, int, float, Decimal, bool)):
                        raise JsonSchemaValueException
                if "description" in data_keys:
                    data_keys.remove("description")
                    data__description = data["description"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data__description, custom_formats, None)
                if "source" in data_keys:
                    data_keys.remove("source")
                    data__source = data["source"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data__source, custom_formats, None)
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count12 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count12 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['from']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException
                data_keys = set(data.keys())
                if "from" in data_keys:
                    data_keys.remove("from")
                    data__from = data["from"]
                    validate_https___procflow_dev_schemas_procedure_v1_json___defs_procedureid(data__from, custom_formats, None)
                if data_keys:
                    raise JsonSchemaValueException
            data_one_of_count12 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count12 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_languagetag(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$'].search(data):
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_sourceref(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_text(data, custom_formats={}, name_prefix=None):
    data_one_of_count13 = 0
    if data_one_of_count13 < 2:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException
            if isinstance(data, str):
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException
            data_one_of_count13 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count13 < 2:
        try:
            validate_https___procflow_dev_schemas_procedure_v1_json___defs_localizedtext(data, custom_formats, None)
            data_one_of_count13 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count13 != 1:
        raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_localizedtext(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException
        data_keys = set(data.keys())
        if "original" in data_keys:
            data_keys.remove("original")
            data__original = data["original"]
            if not isinstance(data__original, (str)):
                raise JsonSchemaValueException
        for data_key, data_val in data.items():
            if REGEX_PATTERNS['^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (str)):
                    raise JsonSchemaValueException
                if isinstance(data_val, str):
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException
        if data_keys:
            raise JsonSchemaValueException
    return data

def validate_https___procflow_dev_schemas_procedure_v1_json___defs_procedureid(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException
    if isinstance(data, str):
        data_len = len(data)
        if data_len > 80:
            raise JsonSchemaValueException
        if not REGEX_PATTERNS['^[a-z][a-z0-9]*(-[a-z0-9]+)*$'].search(data):
            raise JsonSchemaValueException
    return data
_procflow_validate = validate_https___procflow_dev_schemas_procedure_v1_json
