{#- The comparison words of docs/conventions.md with their Chinese and English labels: one list for every model
    that labels a qualifier. -#}
{% macro qualifier_labels() %}
    select
        labels.qualifier,
        labels.qualifier_zh,
        labels.qualifier_en
    from (
        values
        ('exact', '确切', 'exact'),
        ('more_than', '超过', 'more than'),
        ('approximately', '约', 'approximately'),
        ('nearly', '近', 'nearly'),
        ('at_least', '至少', 'at least')
    ) as labels (qualifier, qualifier_zh, qualifier_en)
{% endmacro %}
