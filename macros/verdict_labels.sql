{#- One place for the Chinese wording of the claim-check verdicts, used in explanations and in the mart. -#}
{% macro verdict_zh(verdict_sql) -%}
    case {{ verdict_sql }}
        when 'holds' then '成立'
        when 'fails' then '不成立'
        when 'holds_under_assumption' then '有条件成立'
        when 'cannot_be_checked' then '无法核对'
    end
{%- endmacro %}

{% macro verdict_en(verdict_sql) -%}
    case {{ verdict_sql }}
        when 'holds' then 'Holds'
        when 'fails' then 'Fails'
        when 'holds_under_assumption' then 'Holds only under an assumption'
        when 'cannot_be_checked' then 'Cannot be checked'
    end
{%- endmacro %}
